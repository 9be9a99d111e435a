import Foundation
import Logging
import PlexusCore
import ServiceLifecycle
import Testing

@testable import PlexusStorage

@Suite("Usage log", .timeLimit(.minutes(2)))
struct UsageStoreTests {
    static func tempPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-tests-\(UUID().uuidString)")
        return dir.appendingPathComponent("sub/usage.sqlite").path
    }

    static func row(_ id: String, outcome: UsageRecord.Outcome = .success) -> UsageRecord {
        UsageRecord(
            requestID: id, startedAt: Date(timeIntervalSince1970: 1_700_000_000), keyName: "k", alias: "demo",
            provider: "demo", upstreamModel: "demo-fast", clientProtocol: .chat, targetProtocol: .messages,
            passthrough: false, streamed: true, outcome: outcome, httpStatus: 200,
            tokens: .init(input: 10, cacheRead: 2, cacheWrite: 0, output: 30, reasoning: 5), ttftMs: 12.5,
            durationMs: 80, outputTokensPerSecond: 400, stopReason: "stop", errorText: nil)
    }

    @Test func writesAndReadsRowsInWALMode() async throws {
        let path = Self.tempPath()
        let store = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        try await store.insert([Self.row("a"), Self.row("b", outcome: .error)])
        let back = try await store.record(id: "a")
        #expect(back == Self.row("a"))
        #expect(try await store.recent(limit: 10).count == 2)
        try await store.close()
        #expect(FileManager.default.fileExists(atPath: path + "-wal") || FileManager.default.fileExists(atPath: path))
        // Reopening migrates nothing twice and keeps the rows.
        let again = try await SQLiteUsageStore.open(path: path, logger: Logger(label: "test"))
        #expect(try await again.record(id: "b")?.outcome == .error)
        try await again.close()
    }

    @Test(arguments: StoreBackend.allCases)
    func writesReadsAndReplacesRows(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            var replaced = Self.row("a", outcome: .cancelled)
            replaced.tokens.output = 99
            // Both kinds of replace: within one batch (last wins) and over a stored row.
            try await store.insert([Self.row("a"), Self.row("b", outcome: .error), replaced])
            #expect(try await store.record(id: "a") == replaced)
            try await store.insert([Self.row("a")])
            #expect(try await store.record(id: "a") == Self.row("a"))
            #expect(try await store.record(id: "missing") == nil)
            // Same start time: the order of ties is the backend's own, so compare as a set.
            #expect(Set(try await store.recent(limit: 10).map(\.requestID)) == ["a", "b"])
            #expect(try await store.recent(limit: 1).count == 1)
            try await store.insert([])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func writerFlushesOnGracefulShutdown(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            // A long interval: only the shutdown flush can write these rows.
            let writer = UsageWriter(store: store, logger: Logger(label: "test"), interval: .seconds(3600))
            let group = ServiceGroup(configuration: .init(services: [writer], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for i in 0..<700 { writer.record(Self.row("r\(i)")) }
                #expect(try await store.recent(limit: 1000).isEmpty)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(try await store.recent(limit: 1000).count == 700)
        }
    }
}
