#if canImport(PlexusStoragePostgres)
import Foundation
import Synchronization
import Testing
@testable import PlexusStorage
@testable import PlexusStoragePostgres

/// A database restart ends every connection at once. Every store call made around that moment must end, stored
/// or failed: a call that waits forever stops the usage writer's flushes for good, and a shutdown with them.
@Suite("PostgreSQL store: connections ended under it", .timeLimit(.minutes(3)))
struct PostgresTerminatedConnectionTests {
    /// Whether `body` ends within `limit`; a call that never ends is left behind rather than waited for.
    static func ends(within limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let once = Mutex(false)
        return await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            let finish: @Sendable (Bool) -> Void = { ended in
                let first = once.withLock { claimed in
                    defer { claimed = true }
                    return !claimed
                }
                if first { done.resume(returning: ended) }
            }
            Task {
                await body()
                finish(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                finish(false)
            }
        }
    }

    static func terminate(schema: String, url: String) throws {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [
            url, "-qAtc",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'plexus/\(schema)'",
        ]
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        psql.waitUntilExit()
    }

    /// Runs `rounds` rounds of `calls` concurrent `call(round, index)`, with the schema's connections terminated a
    /// moment after each round starts; returns how many calls did not end within 10 s.
    static func stuckCalls(
        rounds: Int, calls: Int, schema: String, url: String,
        _ call: @escaping @Sendable (_ round: Int, _ index: Int) async -> Void
    ) async throws -> Int {
        var stuck = 0
        for round in 0..<rounds {
            let running = (0..<calls).map { index in
                Task { await Self.ends(within: .seconds(10)) { await call(round, index) } }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...30)))
            try Self.terminate(schema: schema, url: url)
            for task in running where await !task.value { stuck += 1 }
        }
        return stuck
    }

    /// Opens a store whose calls give up after 2 s, in a fresh schema, and runs it around `body`.
    static func withStore(
        _ body: @escaping (PostgresUsageStore, _ schema: String, _ url: String) async throws -> Void
    ) async throws {
        try await PostgresTestDatabase.withSchema { url, schema in
            let store = try await PostgresUsageStore.open(
                url: url, schema: schema, callLimit: .seconds(2), logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.running(store) { try await body($0, schema, url) }
        }
    }

    /// A subscription being made when the connections end either starts listening or fails; it never just waits.
    @Test func aListenAroundATerminationStartsOrFails() async throws {
        try await Self.withStore { store, schema, url in
            let stuck = try await Self.stuckCalls(rounds: 20, calls: 4, schema: schema, url: url) { _, _ in
                let listening = Task { try? await store.listen(listening: {}, receive: { _ in }) }
                // Long enough to subscribe; then the subscription is ended by cancelling it.
                try? await Task.sleep(for: .milliseconds(300))
                listening.cancel()
                await listening.value
            }
            #expect(stuck == 0, "subscriptions that never ended")
        }
    }

    @Test func everyCallAroundATerminationEnds() async throws {
        try await Self.withStore { store, schema, url in
            let stuck = try await Self.stuckCalls(rounds: 12, calls: 16, schema: schema, url: url) { round, call in
                let entry = #"{"round":\#(round),"call":\#(call)}"#
                try? await store.saveCooldown(provider: "p\(call)", model: "m", entry: entry)
                _ = try? await store.cooldownEntries()
            }
            #expect(stuck == 0, "calls that never ended")
            // A call right after the last termination may still meet a connection it ended; the pool heals.
            var entries: Int?
            for _ in 0..<40 where entries == nil {
                entries = try? await store.cooldownEntries().count
                if entries == nil { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(entries == 16, "the store works again after the terminations")
        }
    }
}
#endif
