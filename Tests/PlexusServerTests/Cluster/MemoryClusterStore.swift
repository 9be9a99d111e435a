import Foundation
import PlexusStorage
import Synchronization

/// A `ClusterStore` in memory, whose listener a test holds back and whose writes it can refuse: the database
/// of one instance, as its connection comes and goes.
final class MemoryClusterStore: ClusterStore {
    struct State {
        var cooldowns: [String: String] = [:]
        var notified: [String] = []
        /// How many cooldown writes to refuse before accepting again.
        var refuseWrites = 0
        var writes = 0
        var listenOpen = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    struct Refused: Error {}

    let state = Mutex(State())

    /// Lets `listen` subscribe; until then it waits, as on a connection still being made.
    func openListener() {
        let waiting = state.withLock { s in
            s.listenOpen = true
            defer { s.waiting.removeAll() }
            return s.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    func latestConfig() async throws -> ConfigVersion? { nil }
    func configVersions(limit: Int) async throws -> [ConfigVersion] { [] }
    func configVersion(_ version: Int) async throws -> ConfigVersion? { nil }
    func appendConfig(_ text: String, source: String, instance: String, after: Int?) async throws -> ConfigVersion? {
        ConfigVersion(version: (after ?? 0) + 1, text: text, createdAt: Date(), source: source, instance: instance)
    }

    func cooldownEntries() async throws -> [String] { state.withLock { Array($0.cooldowns.values) } }

    func saveCooldown(provider: String, model: String, entry: String) async throws {
        try state.withLock { s in
            s.writes += 1
            if s.refuseWrites > 0 {
                s.refuseWrites -= 1
                throw Refused()
            }
            s.cooldowns[provider + "/" + model] = entry
        }
    }

    func deleteCooldown(provider: String?, model: String?, setBefore: Double?) async throws {
        state.withLock { s in
            guard let provider, let model else { return s.cooldowns.removeAll() }
            s.cooldowns[provider + "/" + model] = nil
        }
    }

    func notify(_ payload: String) async throws { state.withLock { $0.notified.append(payload) } }

    func listen(
        listening: nonisolated(nonsending) @Sendable () async -> Void,
        receive: nonisolated(nonsending) @Sendable (String) async -> Void
    ) async throws {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let open = state.withLock { s in
                if !s.listenOpen { s.waiting.append(waiter) }
                return s.listenOpen
            }
            if open { waiter.resume() }
        }
        await listening()
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
