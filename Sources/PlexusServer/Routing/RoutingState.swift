import Foundation
import PlexusCore
import PlexusRouting
import Synchronization

/// Live routing state shared by every request: cooldowns, performance windows and sticky sessions.
///
/// One short lock, never held across an await; the request path reads and writes memory only. Cooldowns are
/// written to disk by `RoutingPersistence`, off the request path.
final class RoutingState: Sendable {
    private struct Inner {
        var cooldowns: CooldownTable
        var performance: PerformanceTracker
        var sticky = StickyTable()
        var rng = SystemRandomNumberGenerator()
        /// Cooldowns changed since the last save.
        var dirty = false
    }

    /// A cooldown set or cleared here, for the other instances (`ClusterSync`).
    enum CooldownChange: Sendable {
        case set(CooldownEntry)
        /// One target, or every target when nil; `before` (a success's answer time) leaves a cooldown set after it.
        case cleared(TargetID?, before: Double?)
    }

    private let inner: Mutex<Inner>
    /// Local cooldown changes, while `ClusterSync` shares them; nil on a single instance.
    private let changes = Mutex<AsyncStream<CooldownChange>.Continuation?>(nil)
    /// Prices by OpenRouter slug, swapped in by the pricing refresher.
    let openRouterPrices = Mutex<[String: TokenPrices]>([:])

    /// Requests in flight per capped provider and model (`max_concurrency`); its own lock, off the order path.
    let slots = Mutex(TargetConcurrency())

    /// The performance window, in seconds.
    let window: Double

    init(cooldowns: [CooldownEntry] = [], window: Double = 600) {
        self.window = window
        inner = Mutex(
            Inner(cooldowns: CooldownTable(entries: cooldowns), performance: PerformanceTracker(window: window)))
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// The wall-clock time (seconds since the Unix epoch) of an instant in the past.
    static func wallClock(_ instant: ContinuousClock.Instant) -> Double {
        now() - RequestRecord.milliseconds(ContinuousClock.now - instant) / 1000
    }

    /// Local cooldown changes from now on (the first call starts recording them).
    func cooldownChanges() -> AsyncStream<CooldownChange> {
        let (stream, continuation) = AsyncStream<CooldownChange>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        changes.withLock { $0 = continuation }
        return stream
    }

    private func announce(_ change: CooldownChange) {
        changes.withLock { $0 }?.yield(change)
    }

    /// Applies a cooldown another instance set; not announced again.
    func adopt(_ entry: CooldownEntry) {
        inner.withLock { s in
            s.cooldowns.adopt(entry)
            s.dirty = true
        }
    }

    /// Applies a clear another instance made (after a success dated `before`, or by hand); not announced again.
    func adoptClear(_ target: TargetID?, before: Double?) {
        inner.withLock { s in
            s.dirty = true
            switch (target, before) {
            case (let target?, let before?): s.cooldowns.recordSuccess(target, at: before)
            case (let target?, nil): s.cooldowns.clear(target)
            case (nil, _): s.cooldowns.clearAll()
            }
        }
    }

    /// The candidates in the order they should be tried (selector, api_match, sticky, cooling last).
    func order(_ candidates: [Candidate], input: SelectionInput) -> [Candidate] {
        let prices = openRouterPrices.withLock { $0 }
        return inner.withLock { s in
            CandidateOrder.order(
                candidates, input: input, cooldowns: s.cooldowns, performance: s.performance, sticky: s.sticky,
                openRouter: { prices[$0] }, using: &s.rng)
        }
    }

    /// A failed attempt that says something about the target (never a client error or a disconnect).
    @discardableResult
    func failed(
        _ target: TargetID, reason: CooldownReason, status: Int? = nil, retryAfter: Double?,
        config: CooldownConfig, sample: PerformanceSample
    ) -> CooldownEntry {
        let (entry, isNew) = inner.withLock { s -> (CooldownEntry, Bool) in
            s.performance.record(target, sample)
            // Requests that were already in flight when the target started cooling do not double it again.
            if let entry = s.cooldowns.entry(for: target), entry.isActive(now: sample.at) { return (entry, false) }
            s.dirty = true
            let entry = s.cooldowns.recordFailure(
                target, reason: reason, status: status, retryAfter: retryAfter, now: sample.at, config: config)
            return (entry, true)
        }
        if isNew { announce(.set(entry)) }
        return entry
    }

    /// A served request: clears the target's cooldown unless a later failure set it, adds its sample and remembers
    /// the conversation; true when a cooldown was cleared. `sample.at` is when the answer was ready.
    @discardableResult
    func succeeded(_ target: TargetID, sample: PerformanceSample, conversation: UInt64?) -> Bool {
        let cleared = inner.withLock { s in
            let cleared = s.cooldowns.recordSuccess(target, at: sample.at)
            if cleared { s.dirty = true }
            s.performance.record(target, sample)
            if let conversation { s.sticky.remember(conversation, target: target, now: sample.at) }
            return cleared
        }
        if cleared { announce(.cleared(target, before: sample.at)) }
        return cleared
    }

    func cooldowns(now: Double) -> [CooldownEntry] { inner.withLock { $0.cooldowns.active(now: now) } }

    func isCooling(_ target: TargetID, now: Double) -> Bool {
        inner.withLock { $0.cooldowns.isCooling(target, now: now) }
    }

    /// Clears one target's cooldown, or all when `target` is nil; true when something was cleared.
    @discardableResult
    func clearCooldown(_ target: TargetID?) -> Bool {
        let cleared = inner.withLock { s in
            s.dirty = true
            guard let target else {
                let had = !s.cooldowns.entries.isEmpty
                s.cooldowns.clearAll()
                return had
            }
            return s.cooldowns.clear(target)
        }
        announce(.cleared(target, before: nil))
        return cleared
    }

    func performance(now: Double) -> [TargetID: TargetStats] { inner.withLock { $0.performance.allStats(now: now) } }

    /// The cooldown entries to save, when they changed since the last call.
    func takeChangedCooldowns() -> [CooldownEntry]? {
        inner.withLock { s in
            guard s.dirty else { return nil }
            s.dirty = false
            return s.cooldowns.entries
        }
    }
}
