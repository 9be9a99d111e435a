import Foundation

/// A key's spend controls (`keys.NAME.limits`); every field is optional.
public struct KeyLimits: Sendable, Equatable {
    /// Admitted requests in any sliding 60-second window.
    public var requestsPerMinute: Int?
    /// Input plus output tokens of requests that finished in any sliding 60-second window.
    public var tokensPerMinute: Int?
    /// Requests of this key in flight at once.
    public var concurrentRequests: Int?
    public var budget: Budget?

    public init(
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, concurrentRequests: Int? = nil,
        budget: Budget? = nil
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.concurrentRequests = concurrentRequests
        self.budget = budget
    }

    /// Whether no limit is set (the key is then treated as unlimited).
    public var isEmpty: Bool {
        requestsPerMinute == nil && tokensPerMinute == nil && concurrentRequests == nil && budget == nil
    }

    /// Spend allowed per calendar period (UTC), in USD of the usage log's cost.
    public struct Budget: Sendable, Equatable {
        public var usd: Double
        public var period: BudgetPeriod

        public init(usd: Double, period: BudgetPeriod) {
            self.usd = usd
            self.period = period
        }
    }
}

/// A calendar period in UTC; weeks start on Monday (ISO 8601).
public enum BudgetPeriod: String, Sendable, Equatable, CaseIterable {
    case day, week, month

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The period that contains `date`: its first instant and the first instant of the next one.
    public func interval(containing date: Date) -> DateInterval {
        let component: Calendar.Component =
            switch self {
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            }
        // The ISO calendar's week interval starts on Monday; day and month intervals are plain.
        return Self.utc.dateInterval(of: component, for: date) ?? DateInterval(start: date, duration: 86_400)
    }
}

/// Which limit refused a request.
public enum LimitReason: String, Sendable, Equatable {
    case requestsPerMinute = "requests_per_minute"
    case tokensPerMinute = "tokens_per_minute"
    case concurrentRequests = "concurrent_requests"
    case budget

    /// The sentence a refused client reads.
    public func message(_ limits: KeyLimits) -> String {
        switch self {
        case .requestsPerMinute:
            "this key's limit of \(limits.requestsPerMinute ?? 0) requests per minute is reached"
        case .tokensPerMinute:
            "this key's limit of \(limits.tokensPerMinute ?? 0) tokens per minute is reached"
        case .concurrentRequests:
            "this key's limit of \(limits.concurrentRequests ?? 0) concurrent requests is reached"
        case .budget:
            "this key's budget of \(limits.budget.map { "\($0.usd) USD per \($0.period.rawValue)" } ?? "") is spent"
        }
    }
}

/// What a key has used and has left under its limits at one instant.
public struct LimitStanding: Sendable, Equatable {
    /// Admitted requests in the last 60 s.
    public var requests: Int = 0
    /// Tokens of requests finished in the last 60 s.
    public var tokens: Int = 0
    public var concurrent: Int = 0
    /// Spend in the budget's current period (0 without a budget).
    public var spendUSD: Double = 0
    /// Requests in the current period whose cost is unknown (counted as 0).
    public var unpricedRequests: Int = 0

    public init(
        requests: Int = 0, tokens: Int = 0, concurrent: Int = 0, spendUSD: Double = 0, unpricedRequests: Int = 0
    ) {
        self.requests = requests
        self.tokens = tokens
        self.concurrent = concurrent
        self.spendUSD = spendUSD
        self.unpricedRequests = unpricedRequests
    }

    public func requestsRemaining(_ limits: KeyLimits) -> Int? {
        limits.requestsPerMinute.map { max(0, $0 - requests) }
    }

    public func tokensRemaining(_ limits: KeyLimits) -> Int? {
        limits.tokensPerMinute.map { max(0, $0 - tokens) }
    }

    public func budgetRemaining(_ limits: KeyLimits) -> Double? {
        limits.budget.map { max(0, $0.usd - spendUSD) }
    }
}

/// A ledger's answer to a request of a limited key.
public enum LimitVerdict: Sendable, Equatable {
    /// Admitted; the standing counts this request.
    case admitted(LimitStanding)
    /// Refused by `reason`; the client may retry after `retryAfter` seconds.
    case limited(LimitReason, retryAfter: Int, LimitStanding)
}
