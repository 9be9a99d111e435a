import Foundation
import Synchronization

/// Where the counts behind key limits live: in this process (`MemoryLimitLedger`), or shared by every instance on
/// one database. Only keys with limits reach a ledger.
public protocol LimitLedger: Sendable {
    /// Admits a request of `key` (counting it) or says which limit refuses it.
    func admit(key: String, limits: KeyLimits, requestID: String, now: Date) async -> LimitVerdict
    /// Ends an admitted request: its concurrency slot is freed and its tokens and cost (nil: unknown) counted.
    /// Never waits: the request's bookkeeping runs on its path.
    func finish(key: String, limits: KeyLimits, requestID: String, tokens: Int, costUSD: Double?, now: Date)
    /// What `key` has used at `now`.
    func standing(key: String, limits: KeyLimits, now: Date) async -> LimitStanding
}

/// Reads a key's spend since an instant from the usage log: total USD and the number of unpriced requests.
public typealias SpendSource = @Sendable (_ key: String, _ since: Date) async -> (usd: Double, unpriced: Int)

/// Limits counted in memory, for one instance; a budget's spend is read from the log once per period.
public final class MemoryLimitLedger: LimitLedger {
    private let limiter = Mutex(KeyLimiter())
    private let spend: SpendSource

    public init(spend: @escaping SpendSource) {
        self.spend = spend
    }

    public func admit(key: String, limits: KeyLimits, requestID: String, now: Date) async -> LimitVerdict {
        await seedIfNeeded(key: key, limits: limits, now: now)
        return limiter.withLock { $0.admit(key: key, limits: limits, now: now) }
    }

    public func finish(key: String, limits: KeyLimits, requestID: String, tokens: Int, costUSD: Double?, now: Date) {
        limiter.withLock { $0.finish(key: key, limits: limits, tokens: tokens, costUSD: costUSD, now: now) }
    }

    public func standing(key: String, limits: KeyLimits, now: Date) async -> LimitStanding {
        await seedIfNeeded(key: key, limits: limits, now: now)
        return limiter.withLock { $0.standing(key: key, limits: limits, now: now) }
    }

    private func seedIfNeeded(key: String, limits: KeyLimits, now: Date) async {
        guard let period = limiter.withLock({ $0.needsSpend(key: key, limits: limits, now: now) }) else { return }
        let interval = period.interval(containing: now)
        let (usd, unpriced) = await spend(key, interval.start)
        limiter.withLock {
            $0.seed(key: key, kind: period, period: interval, spendUSD: usd, unpricedRequests: unpriced)
        }
    }
}
