import Foundation
import Logging
import PlexusCore
import PlexusStorage
import PostgresNIO
import ServiceLifecycle

/// The usage log in PostgreSQL, shared by every gateway that points at the same database.
///
/// Queries go through one `PostgresClient` (a connection pool) that only serves while `service` runs: add
/// `service` to the ServiceGroup *before* the usage writer, so it starts first and stops last (a group stops in
/// reverse order) and the writer's final flush still reaches the database. `close()` ends `service` too.
public final class PostgresUsageStore: UsageStore {
    let client: PostgresClient
    let logger: Logger
    /// The schema every connection's `search_path` names; nil for the server's default.
    public let schema: String?
    /// Runs the pool; see the type's comment for where it goes.
    public let service: PostgresStoreService
    /// The longest a call may take before it is abandoned (`call(within:_:)`); a write of several statements gets
    /// half a second more for each.
    let callLimit: Duration

    private init(client: PostgresClient, schema: String?, callLimit: Duration, logger: Logger) {
        self.client = client
        self.schema = schema
        self.callLimit = callLimit
        self.logger = logger
        service = PostgresStoreService(client: client)
    }

    /// Connects once to check `url` and migrate (failing fast on a wrong URL, password or newer schema), then
    /// returns the store; nothing is queried until `service` runs.
    ///
    /// `schema` (letters, digits, `_`) keeps Plexus's tables in their own schema, created if missing.
    public static func open(
        url: String, schema: String? = nil, callLimit: Duration = .seconds(15), logger: Logger
    ) async throws -> PostgresUsageStore {
        let endpoint = try PostgresEndpoint(url: url)
        // `?schema=NAME` in `storage.url` keeps several gateways' tables apart in one database.
        let schema = schema ?? URLComponents(string: url)?.queryItems?.first { $0.name == "schema" }?.value
        if let schema, schema.isEmpty || !schema.allSatisfy(\.isPlainIdentifierCharacter) {
            throw PostgresStoreError.invalidSchema(schema)
        }
        // The schema in the name tells one gateway's connections from another's in `pg_stat_activity`.
        var startup = [("application_name", schema.map { "plexus/\($0)" } ?? "plexus")]
        if let schema { startup.append(("search_path", schema)) }
        try await withStoreErrors {
            let connection = try await PostgresConnection.connect(
                configuration: endpoint.connectionConfiguration(startup: startup), id: 0, logger: logger)
            do {
                try await PostgresMigrations.run(on: connection, schema: schema, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
        let client = PostgresClient(
            configuration: endpoint.clientConfiguration(startup: startup),
            backgroundLogger: logger)
        return PostgresUsageStore(client: client, schema: schema, callLimit: callLimit, logger: logger)
    }

    public func insert(_ rows: [UsageRecord]) async throws {
        // 500 rows a statement: 15,500 binds.
        try await upsert(
            rows, into: "usage", columns: StorageSupport.usageColumns, perStatement: 500, id: \.requestID,
            bind: { $0.bind(into: &$1) })
    }

    /// Writes `items` into `table`, replacing the rows of their request ids (the last item of an id wins), in
    /// multi-row statements of `perStatement` rows, all in one transaction.
    func upsert<Item>(
        _ items: [Item], into table: String, columns: [String], perStatement: Int, id: (Item) -> String,
        bind: (Item, inout PostgresStatement) -> Void
    ) async throws {
        let items = items.keepingLast(by: id)
        guard !items.isEmpty else { return }
        try await write(
            items.chunked(by: perStatement).map { chunk in
                var statement = PostgresStatement()
                for item in chunk { bind(item, &statement) }
                return statement.query(
                    PostgresStatement.insertSQL(table: table, columns: columns, rows: chunk.count)
                        + PostgresStatement.replaceClause(key: "request_id", columns: columns))
            })
    }

    public func recent(limit: Int) async throws -> [UsageRecord] {
        var statement = PostgresStatement()
        // No rowid here: ties in time fall back to the request id, as in the paged list.
        let sql = "SELECT * FROM usage ORDER BY started_at DESC, request_id DESC LIMIT \(statement.bind(max(limit, 0)))"
        return try await rows(statement.query(sql)).compactMap(UsageRecord.init(postgres:))
    }

    public func record(id: String) async throws -> UsageRecord? {
        var statement = PostgresStatement()
        let sql = "SELECT * FROM usage WHERE request_id = \(statement.bind(id))"
        return try await rows(statement.query(sql)).first.flatMap(UsageRecord.init(postgres:))
    }

    /// Ends `service` (the pool closes its connections); later queries fail.
    public func close() async throws {
        service.stop()
    }

    /// Runs `query` and reads all its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresColumns] {
        let (client, logger) = (client, logger)
        return try await call {
            var rows: [PostgresColumns] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(PostgresColumns(row)) }
            return rows
        }
    }

    /// Runs `queries` in one transaction.
    func write(_ queries: [PostgresQuery], within limit: Duration? = nil) async throws {
        let (client, logger) = (client, logger)
        try await call(within: limit ?? callLimit + .milliseconds(500 * queries.count)) {
            if queries.count == 1, let query = queries.first {
                try await client.query(query, logger: logger)
                return
            }
            try await client.withTransaction(logger: logger) { connection in
                for query in queries { try await connection.query(query, logger: logger) }
            }
        }
    }

    /// Rethrows driver errors as `PostgresQueryError` with the server's message: a `PSQLError` prints as a
    /// generic text on purpose, which would leave the storage logs saying nothing.
    static func withStoreErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw PostgresQueryError(error)
        } catch let error as PostgresTransactionError {
            let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
            if let inner = inner as? PSQLError { throw PostgresQueryError(inner) }
            throw inner ?? error
        }
    }
}

/// A failed PostgreSQL statement or connection, with the server's SQLSTATE and message when it sent one.
public struct PostgresQueryError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `42P01`; nil for client-side errors.
    public var sqlState: String?
    public var message: String

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        let underlying = error.underlying.map { " (\($0))" } ?? ""
        message = error.serverInfo?[.message] ?? "\(error.code)\(underlying)"
    }

    public var description: String {
        "PostgreSQL: " + (sqlState.map { "[\($0)] " } ?? "") + message
    }
}

extension Character {
    /// ASCII letters, digits and `_`: a schema name that needs no quoting rules beyond double quotes.
    var isPlainIdentifierCharacter: Bool { isASCII && (isLetter || isNumber || self == "_") }
}
