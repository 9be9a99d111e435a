import Foundation
import Logging
import PlexusCore

@testable import PlexusStorage

/// Shared builders for the storage suites: a fresh database per test and rows with chosen fields.
enum StorageFixtures {
    static func openStore() async throws -> SQLiteUsageStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-tests-\(UUID().uuidString)")
        return try await SQLiteUsageStore.open(
            path: dir.appendingPathComponent("usage.sqlite").path,
            logger: Logger(label: "test"))
    }

    /// Runs `body` with a fresh, empty store on `backend`, then closes it (PostgreSQL: and drops its schema).
    /// Runs `body` with `store`, then closes the store whether `body` threw or not.
    static func closing<S: UsageStore, T>(_ store: S, _ body: (S) async throws -> T) async throws -> T {
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    @discardableResult
    static func withStore<T>(
        _ backend: StoreBackend,
        _ body: (any UsageStore & ResponseStore) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite:
            return try await closing(try await openStore(), body)
        #if canImport(PlexusStoragePostgres)
        case .postgres:
            return try await PostgresTestDatabase.withStore(body)
        #endif
        }
    }

    static func date(_ iso: String) -> Date {
        guard let date = ISOTime.parse(iso) else { fatalError("bad test date \(iso)") }
        return date
    }

    /// A varied log: groups of three rows share a start time (ties), times have fractions, ids are not in time order.
    static let varied: [UsageRecord] = (0..<137).map(variedRow)

    private static func variedRow(_ i: Int) -> UsageRecord {
        let outcomes: [UsageRecord.Outcome] = [.success, .error, .success, .cancelled, .success, .success, .error]
        let seconds: Double = 1_700_000_000.123456789 + Double(i / 3) * 0.37
        var row = UsageRecord(
            requestID: String(format: "req-%03d", (i * 37) % 137), startedAt: Date(timeIntervalSince1970: seconds),
            keyName: ["k1", "k2", "k3"][i % 3], alias: ["a", "b"][i % 2], provider: ["p1", "p2", "p3", "p4"][i % 4],
            upstreamModel: ["m1", "m2", "m3", "m4", "m5"][i % 5],
            clientProtocol: [.chat, .messages, .gemini, .responses][i % 4],
            targetProtocol: [.messages, .chat, .responses][i % 3],
            passthrough: i % 5 == 0, streamed: i % 3 == 0, outcome: outcomes[i % 7], httpStatus: 200,
            tokens: .init(input: i, output: 2 * i), durationMs: Double(i))
        if i % 6 == 1 { row.kind = .embeddings }
        if i % 4 != 3 { row.attribution = ["alice", "bob"][i % 2] }
        return row
    }

    static func row(
        _ id: String, at iso: String, model: String? = "A", provider: String? = "P", key: String? = "k1",
        outcome: UsageRecord.Outcome = .success, tokens: UsageRecord.Tokens = .init(),
        cost: Double? = nil, ttft: Double? = nil, tps: Double? = nil,
        attribution: String? = nil
    ) -> UsageRecord {
        var row = UsageRecord(
            requestID: id, startedAt: date(iso), keyName: key, alias: "alias", provider: provider,
            upstreamModel: model, clientProtocol: .chat, targetProtocol: .chat, outcome: outcome,
            httpStatus: outcome == .error ? 500 : 200, tokens: tokens, ttftMs: ttft, durationMs: 1000,
            outputTokensPerSecond: tps)
        row.cost = cost.map { UsageRecord.Cost(input: $0 / 2, output: $0 / 2, total: $0) }
        row.attribution = attribution
        return row
    }
}
