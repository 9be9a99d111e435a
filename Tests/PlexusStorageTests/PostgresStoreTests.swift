#if canImport(PlexusStoragePostgres)
import Foundation
import Logging
import PostgresNIO
import Testing
@testable import PlexusStorage
@testable import PlexusStoragePostgres

/// One `storage.url` and what it must parse to (nil: refused).
struct EndpointCase: Sendable, CustomTestStringConvertible {
    var url: String
    var expected: PostgresEndpoint?
    var testDescription: String { url }
}

@Suite("PostgreSQL store: URL, migrations, shared use", .timeLimit(.minutes(2)))
struct PostgresStoreTests {
    static func endpoint(
        _ host: String, _ port: Int = 5432, user: String = "postgres", password: String? = nil,
        database: String? = nil, ssl: PostgresEndpoint.SSLMode = .prefer
    ) -> PostgresEndpoint {
        var endpoint = try! PostgresEndpoint(url: "postgres://x")
        endpoint.host = host
        endpoint.port = port
        endpoint.username = user
        endpoint.password = password
        endpoint.database = database
        endpoint.sslMode = ssl
        return endpoint
    }

    static let endpointCases: [EndpointCase] = [
        .init(
            url: "postgres://plexus:s3cret@db.internal:6543/usage",
            expected: endpoint("db.internal", 6543, user: "plexus", password: "s3cret", database: "usage")),
        .init(
            url: "postgresql://u@127.0.0.1/db?sslmode=disable",
            expected: endpoint("127.0.0.1", user: "u", database: "db", ssl: .disable)),
        .init(
            url: "postgres://u:p%40ss%2Fword@h/db?sslmode=verify-full",
            expected: endpoint("h", user: "u", password: "p@ss/word", database: "db", ssl: .verifyFull)),
        .init(
            url: "postgres://u@%2Fvar%2Frun%2Fpostgresql/db",
            expected: endpoint("/var/run/postgresql", user: "u", database: "db")),
        .init(url: "postgres://[::1]:5433", expected: endpoint("::1", 5433)),
        .init(url: "postgres://h/db?sslmode=sometimes", expected: nil),
        .init(url: "mysql://h/db", expected: nil),
    ]

    @Test(arguments: endpointCases)
    func urlsParseLikeLibpq(_ endpointCase: EndpointCase) {
        #expect((try? PostgresEndpoint(url: endpointCase.url)) == endpointCase.expected)
    }

    @Test func unixSocketHostsNameTheSocketFile() throws {
        let endpoint = try PostgresEndpoint(url: "postgres://u@%2Fvar%2Frun%2Fpostgresql:5433/db")
        #expect(endpoint.socketPath == "/var/run/postgresql/.s.PGSQL.5433")
        #expect(try PostgresEndpoint(url: "postgres://u@h/db").socketPath == nil)
    }

    static func version(schema: String, url: String) async throws -> Int? {
        try await last(Int.self, of: "SELECT version FROM plexus_schema_version", schema: schema, url: url)
    }

    static func indexDefinition(_ name: String, schema: String, url: String) async throws -> String? {
        try await last(
            String.self, of: "SELECT indexdef FROM pg_indexes WHERE schemaname = \(schema) AND indexname = \(name)",
            schema: schema, url: url)
    }

    /// The last value of a one-column query, on a connection of its own to `schema`.
    static func last<T: PostgresDecodable & Sendable>(
        _ type: T.Type, of query: PostgresQuery, schema: String, url: String
    ) async throws -> T? {
        let endpoint = try PostgresEndpoint(url: url)
        let connection = try await PostgresConnection.connect(
            configuration: endpoint.connectionConfiguration(startup: [("search_path", schema)]), id: 2,
            logger: PostgresTestDatabase.logger)
        var value: T?
        for try await v in try await connection.query(query, logger: PostgresTestDatabase.logger).decode(T.self) {
            value = v
        }
        try await connection.close()
        return value
    }

    @Test func migratesOnceAndReopensWithTheRows() async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            let logger = PostgresTestDatabase.logger
            let row = StorageFixtures.row("kept", at: "2026-11-25T12:00:00.125Z", cost: 0.25, ttft: 10, tps: 20)
            // Two gateways starting together on a new schema: the advisory lock lets one create and migrate it
            // while the other waits, then finds nothing to do.
            async let first = PostgresUsageStore.open(url: url, schema: schema, logger: logger)
            async let second = PostgresUsageStore.open(url: url, schema: schema, logger: logger)
            let (a, b) = try await (first, second)
            try await PostgresTestDatabase.running(a) { a in
                try await PostgresTestDatabase.running(b) { b in
                    try await a.insert([row])
                    #expect(try await b.record(id: "kept") == row)
                    try await b.insertErrors([ErrorRecord(requestID: "kept", at: Date(), message: "from b")])
                    #expect(try await a.errors(query: PageQuery()).items.map(\.message) == ["from b"])
                }
            }
            #expect(try await Self.version(schema: schema, url: url) == PostgresMigrations.steps.count)
            // Rows without an attribution (most) stay out of its index.
            let attribution = try await Self.indexDefinition("usage_attribution", schema: schema, url: url)
            #expect(attribution?.hasSuffix("WHERE (attribution IS NOT NULL)") == true, "\(attribution ?? "none")")
            // Reopening keeps the rows and the version.
            let again = try await PostgresUsageStore.open(url: url, schema: schema, logger: logger)
            try await PostgresTestDatabase.running(again) { store async throws in
                #expect(try await store.record(id: "kept") == row)
            }
            #expect(try await Self.version(schema: schema, url: url) == PostgresMigrations.steps.count)
        }
    }

    @Test func refusesASchemaNewerThanItKnows() async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            try await PostgresTestDatabase.execute(
                [
                    "CREATE SCHEMA \(schema)",
                    "CREATE TABLE \(schema).plexus_schema_version (version INTEGER NOT NULL)",
                    "INSERT INTO \(schema).plexus_schema_version VALUES (99)",
                ], url: url)
            await #expect(throws: PostgresStoreError.schemaTooNew(found: 99, known: PostgresMigrations.steps.count)) {
                _ = try await PostgresUsageStore.open(url: url, schema: schema, logger: PostgresTestDatabase.logger)
            }
        }
    }

    @Test(arguments: ["", "bad-name", "x;drop", "naïve"])
    func refusesSchemaNamesThatAreNotPlainIdentifiers(schema: String) async throws {
        await #expect(throws: PostgresStoreError.invalidSchema(schema)) {
            _ = try await PostgresUsageStore.open(
                url: "postgres://u@127.0.0.1/db", schema: schema,
                logger: PostgresTestDatabase.logger)
        }
    }

    @Test func aServerThatIsNotThereFailsAtOpen() async throws {
        // Port 1 on loopback refuses at once: open reports it instead of leaving the pool to retry.
        await #expect(throws: PostgresQueryError.self) {
            _ = try await PostgresUsageStore.open(
                url: "postgres://u@127.0.0.1:1/db?sslmode=disable",
                logger: PostgresTestDatabase.logger)
        }
    }

    @Test func queryErrorsCarryTheServersMessage() async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            let store = try await PostgresUsageStore.open(url: url, schema: schema, logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.execute(["DROP TABLE traces"], schema: schema, url: url)
            let error = await #expect(throws: PostgresQueryError.self) {
                try await PostgresTestDatabase.running(store) { try await $0.trace(id: "x") }
            }
            #expect(error?.sqlState == "42P01")
            #expect(error?.description.contains("traces") == true)
        }
    }
}
#endif
