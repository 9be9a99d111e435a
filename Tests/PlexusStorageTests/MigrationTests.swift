import Foundation
import Logging
import PlexusCore
import SQLiteNIO
import Testing

@testable import PlexusStorage

@Suite("SQLite migrations")
struct MigrationTests {
    /// Builds a database with only the first `version` steps, as an older Plexus left it, with one usage row.
    static func oldDatabase(version: Int) async throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("old.sqlite").path
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: Logger(label: "test"))
        for step in SQLiteMigrations.steps.prefix(version) {
            for statement in step { _ = try await connection.query(statement, []) }
        }
        _ = try await connection.query("PRAGMA user_version = \(version)", [])
        if version >= 1 {
            _ = try await connection.query(
                """
                INSERT INTO usage (request_id, started_at, client_protocol, passthrough, streamed, status, http_status,
                                   input_tokens, duration_ms)
                VALUES ('old', 1700000000, 'chat', 0, 1, 'success', 200, 42, 12.5)
                """, [])
        }
        try await connection.close()
        return path
    }

    @Test(arguments: Array(0..<SQLiteMigrations.steps.count))
    func upgradesFromEveryEarlierVersion(version: Int) async throws {
        let path = try await Self.oldDatabase(version: version)
        let store = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        let current = try await store.connection.query("PRAGMA user_version", []).first?.column("user_version")?.integer
        #expect(current.map { Int($0) } == SQLiteMigrations.steps.count)
        if version >= 1 {
            let old = try await store.record(id: "old")
            #expect(old?.tokens.input == 42)
            #expect(old?.cost == nil)
            #expect(old?.attempts == [])
            #expect(old?.attribution == nil)
            #expect(try await store.usage(query: UsageQuery(streamed: true)).items.map(\.requestID) == ["old"])
        }
        // The new tables work on the upgraded file.
        try await store.insertTraces([TraceRecord(requestID: "old", startedAt: Date(), body: "{}")])
        try await store.insertErrors([ErrorRecord(requestID: "old", at: Date(), message: "boom")])
        #expect(try await store.hasTrace(ids: ["old"]) == ["old"])
        #expect(try await store.errors(query: PageQuery()).items.count == 1)
        try await store.insertResponse(
            StoredResponse(
                id: "resp_old", keyName: "k", createdAt: Date(), model: "m",
                input: "[]", response: "{}", requestID: "old"))
        try await store.close()

        // Reopening runs nothing twice.
        let again = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await again.trace(id: "old")?.body == "{}")
        #expect(try await again.storedResponse(id: "resp_old")?.response == "{}")
        try await again.close()
    }

    /// What each query of the usage log finds its rows by, now that the attribution index only holds rows that
    /// have one.
    @Test(arguments: [
        (
            "SELECT * FROM usage WHERE started_at >= 1 ORDER BY started_at DESC, request_id DESC LIMIT 5",
            "usage_started_id"
        ),
        ("SELECT * FROM usage WHERE attribution = 'alice' AND started_at >= 1", "usage_attribution"),
        ("SELECT * FROM usage WHERE key_name = 'k' AND started_at >= 1", "usage_key"),
    ])
    func queriesUseTheirIndexes(query: String, index: String) async throws {
        let path = try await Self.oldDatabase(version: 0)
        let store = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        let indexes = try await store.connection.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage'", [])
        #expect(!indexes.contains { $0.column("name")?.string == "usage_started_at" })
        let attribution = indexes.first { $0.column("name")?.string == "usage_attribution" }?.column("sql")?.string
        #expect(attribution?.hasSuffix("WHERE attribution IS NOT NULL") == true)
        let plan = try await store.connection.query("EXPLAIN QUERY PLAN " + query, [])
        let details = plan.compactMap { $0.column("detail")?.string }.joined(separator: "; ")
        #expect(details.contains("INDEX \(index)"), "\(details)")
        try await store.close()
    }

    @Test func integrityCheckPassesAfterUpgrade() async throws {
        let path = try await Self.oldDatabase(version: 1)
        let store = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        let check = try await store.connection.query("PRAGMA integrity_check", []).first?.column("integrity_check")
        #expect(check?.string == "ok")
        try await store.close()
    }
}
