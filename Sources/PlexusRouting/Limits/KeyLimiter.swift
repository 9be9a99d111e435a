import Foundation

/// The per-key counts behind `keys.NAME.limits`, in memory: a pure state machine over an injected clock.
///
/// Requests per minute count admissions in a sliding 60-second window (refused requests do not count); tokens per
/// minute count the tokens of requests that finished in that window; spend is the cost of requests that finished
/// in the budget's current calendar period. A budget's spend so far must be seeded from the usage log once per
/// period (`needsSpend` / `seed`), since a restart forgets it.
public struct KeyLimiter: Sendable {
    public static let window: Double = 60

    struct Account: Sendable {
        var admissions = TimeWindow()
        var finished = TimeWindow()
        var concurrent = 0
        var period: DateInterval?
        /// The kind of `period` (a budget's period may be changed in the config).
        var kind: BudgetPeriod?
        var spend = 0.0
        var unpriced = 0
    }

    private var accounts: [String: Account] = [:]

    public init() {}

    /// Whether `key`'s spend in the period containing `now` must be read from the log before `admit`.
    public func needsSpend(key: String, limits: KeyLimits, now: Date) -> BudgetPeriod? {
        guard let budget = limits.budget else { return nil }
        guard let account = accounts[key], let period = account.period, account.kind == budget.period,
            now >= period.start
        else { return budget.period }
        // Within the period, or past it: the next period of the same kind starts empty (`roll`).
        return nil
    }

    /// Sets `key`'s spend so far in `period`, a period of `kind` (read from the usage log).
    public mutating func seed(
        key: String, kind: BudgetPeriod, period: DateInterval, spendUSD: Double, unpricedRequests: Int
    ) {
        modify(key) { account in
            account.kind = kind
            account.period = period
            account.spend = spendUSD
            account.unpriced = unpricedRequests
        }
    }

    /// Admits a request of `key` or says which limit refuses it; an admitted request must later `finish`.
    public mutating func admit(key: String, limits: KeyLimits, now: Date) -> LimitVerdict {
        let t = now.timeIntervalSince1970
        // In place: a copy of the account would copy its windows (a minute of timestamps) on every request.
        return modify(key) { account in
            account.prune(before: t - Self.window)
            account.roll(to: now, budget: limits.budget)
            var standing = account.standing
            if let (reason, wait) = account.refusal(limits, at: t) {
                return .limited(reason, retryAfter: wait, standing)
            }
            account.admissions.append(t, 1)
            account.concurrent += 1
            standing.requests += 1
            standing.concurrent += 1
            return .admitted(standing)
        }
    }

    /// Ends an admitted request: frees its concurrency slot and counts its tokens and cost (nil: unknown, counted 0).
    public mutating func finish(key: String, limits: KeyLimits, tokens: Int, costUSD: Double?, now: Date) {
        guard accounts[key] != nil else { return }
        let t = now.timeIntervalSince1970
        modify(key) { account in
            account.concurrent = max(0, account.concurrent - 1)
            account.prune(before: t - Self.window)
            if tokens > 0 { account.finished.append(t, tokens) }
            account.roll(to: now, budget: limits.budget)
            if let costUSD { account.spend += costUSD } else if tokens > 0 { account.unpriced += 1 }
        }
    }

    /// What `key` has used at `now`, without admitting anything.
    public mutating func standing(key: String, limits: KeyLimits, now: Date) -> LimitStanding {
        guard accounts[key] != nil else { return LimitStanding() }
        return modify(key) { account in
            account.prune(before: now.timeIntervalSince1970 - Self.window)
            account.roll(to: now, budget: limits.budget)
            return account.standing
        }
    }

    private mutating func modify<R>(_ key: String, _ body: (inout Account) -> R) -> R {
        body(&accounts[key, default: Account()])
    }
}

extension KeyLimiter.Account {
    var standing: LimitStanding {
        LimitStanding(
            requests: admissions.count, tokens: finished.total, concurrent: concurrent, spendUSD: spend,
            unpricedRequests: unpriced)
    }

    mutating func prune(before cutoff: Double) {
        admissions.drop(before: cutoff)
        finished.drop(before: cutoff)
    }

    /// Starts a new, empty period once `now` has left the current one (what finished since is all of its spend);
    /// a budget whose period kind changed forgets its spend, to be seeded again from the log. Calendar arithmetic
    /// only when a period ends: it costs microseconds, and this runs for every request of a limited key.
    mutating func roll(to now: Date, budget: KeyLimits.Budget?) {
        guard let budget, let current = period else { return }
        if kind == budget.period, now >= current.start, now < current.end { return }
        spend = 0
        unpriced = 0
        if kind == budget.period, now >= current.end {
            period = budget.period.interval(containing: now)
        } else {
            period = nil
            kind = nil
        }
    }

    /// The limit that refuses a request at `t`, if any.
    func refusal(_ limits: KeyLimits, at t: Double) -> (LimitReason, Int)? {
        let edges = LimitEdges(
            requests: limits.requestsPerMinute.flatMap { cap in
                admissions.count >= cap ? admissions.time(at: admissions.count - cap) : nil
            },
            tokens: limits.tokensPerMinute.flatMap { cap in finished.total >= cap ? finished.timeBelow(cap) : nil },
            periodEnd: period?.end.timeIntervalSince1970)
        return KeyLimiter.refusal(limits, standing: standing, edges: edges, at: t)
    }
}

/// When each full window frees: the instants (epoch seconds) whose entries' leaving brings a count under its cap.
public struct LimitEdges: Sendable, Equatable {
    /// The admission that keeps the requests window full (it frees 60 s after it).
    public var requests: Double?
    /// The finish whose tokens keep the tokens window full.
    public var tokens: Double?
    /// The end of the budget's current period.
    public var periodEnd: Double?

    public init(requests: Double? = nil, tokens: Double? = nil, periodEnd: Double? = nil) {
        self.requests = requests
        self.tokens = tokens
        self.periodEnd = periodEnd
    }
}

extension KeyLimiter {
    /// The limit that refuses a request at `t` with the longest wait (the client needs all of them free), and
    /// that wait in whole seconds; nil admits. Shared by every ledger, so all refuse alike.
    public static func refusal(
        _ limits: KeyLimits, standing: LimitStanding, edges: LimitEdges, at t: Double
    ) -> (LimitReason, Int)? {
        var worst: (LimitReason, Double)?
        func consider(_ reason: LimitReason, _ wait: Double) {
            if let w = worst, w.1 >= wait { return }
            worst = (reason, wait)
        }
        if let cap = limits.concurrentRequests, standing.concurrent >= cap { consider(.concurrentRequests, 1) }
        if let cap = limits.requestsPerMinute, standing.requests >= cap {
            consider(.requestsPerMinute, (edges.requests ?? t) + window - t)
        }
        if let cap = limits.tokensPerMinute, standing.tokens >= cap {
            consider(.tokensPerMinute, (edges.tokens ?? t) + window - t)
        }
        if let budget = limits.budget, standing.spendUSD >= budget.usd, let end = edges.periodEnd {
            consider(.budget, end - t)
        }
        return worst.map { ($0.0, max(1, Int($0.1.rounded(.up)))) }
    }
}

/// Timestamped entries in arrival order, dropped from the front as they age out.
struct TimeWindow: Sendable {
    private var times: [Double] = []
    private var values: [Int] = []
    private var head = 0
    /// The sum of the values in the window, kept as entries come and go.
    private(set) var total = 0

    var count: Int { times.count - head }

    mutating func append(_ time: Double, _ value: Int) {
        times.append(time)
        values.append(value)
        total += value
    }

    func time(at offset: Int) -> Double { times[head + offset] }

    mutating func drop(before cutoff: Double) {
        while head < times.count, times[head] <= cutoff {
            total -= values[head]
            head += 1
        }
        // Compact once half the storage is dead, so appends stay amortised O(1).
        if head > 32, head * 2 > times.count {
            times.removeFirst(head)
            values.removeFirst(head)
            head = 0
        }
    }
}

extension TimeWindow {
    /// The time of the entry whose leaving brings the total below `cap`.
    func timeBelow(_ cap: Int) -> Double? {
        var remaining = total
        for i in head..<times.count {
            remaining -= values[i]
            if remaining < cap { return times[i] }
        }
        return nil
    }
}
