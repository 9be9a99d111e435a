#if canImport(PlexusStoragePostgres)
import Foundation
import Logging
import PlexusStorage
import PostgresNIO
@testable import PlexusStoragePostgres

/// The PostgreSQL the tests use: `PLEXUS_TEST_POSTGRES_URL`, one fresh schema per test so tests never collide.
enum PostgresTestDatabase {
    /// Why a PostgreSQL case cannot run; it fails rather than skip, so a green run always covered both backends.
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "PLEXUS_TEST_POSTGRES_URL is not set: start the test server with "
                + "`eval \"$(scripts/postgres-test-server | tail -n 1)\"` and run the tests again"
        }
    }

    static let logger = Logger(label: "test")

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PLEXUS_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "plexus_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Opens a store in a fresh schema, runs its pool around `body`, then closes it and drops the schema.
    static func withStore<T>(_ body: (any UsageStore & ResponseStore) async throws -> T) async throws -> T {
        try await withSchema { url, schema in
            let store = try await PostgresUsageStore.open(url: url, schema: schema, logger: logger)
            return try await running(store) { try await body($0) }
        }
    }

    /// Runs `body` with the server URL and a fresh schema name, dropping the schema afterwards either way.
    static func withSchema<T>(_ body: (_ url: String, _ schema: String) async throws -> T) async throws -> T {
        let url = try url()
        let schema = freshSchema()
        do {
            let result = try await body(url, schema)
            try await drop(schema: schema, url: url)
            return result
        } catch {
            try? await drop(schema: schema, url: url)
            throw error
        }
    }

    /// Runs `store`'s service around `body`, closing the store (which ends the service) either way.
    static func running<T>(
        _ store: PostgresUsageStore,
        _ body: (PostgresUsageStore) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.service.run() }
            return try await StorageFixtures.closing(store, body)
        }
    }

    /// Runs SQL on a direct connection (outside any store), in `schema` when given.
    static func execute(_ sql: [String], schema: String? = nil, url: String) async throws {
        let endpoint = try PostgresEndpoint(url: url)
        let startup = schema.map { [("search_path", $0)] } ?? []
        let connection = try await PostgresConnection.connect(
            configuration: endpoint.connectionConfiguration(startup: startup), id: 1, logger: logger)
        do {
            for statement in sql { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    static func drop(schema: String, url: String) async throws {
        try await execute(["DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"], url: url)
    }
}
#endif
