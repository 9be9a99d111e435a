import Foundation

/// What `GET /usage/summary` asks for: a time range cut into buckets, optionally split by one dimension.
public struct UsageSummaryQuery: Sendable, Equatable {
    /// Bucket width; buckets start on whole UTC minutes, hours or days.
    public enum Bucket: String, Sendable, CaseIterable {
        case minute
        case hour
        case day

        /// Width in seconds.
        public var seconds: Double {
            switch self {
            case .minute: 60
            case .hour: 3600
            case .day: 86400
            }
        }
    }

    /// The dimension each bucket is split by.
    public enum GroupBy: String, Sendable, CaseIterable {
        case model
        case provider
        case key
        /// The label of a `SECRET:label` token (rows without one make the nil group).
        case attribution
        case none
    }

    /// Rows started at or after this time.
    public var from: Date?
    /// Rows started before this time (exclusive).
    public var to: Date?
    public var bucket: Bucket
    public var groupBy: GroupBy

    public init(from: Date? = nil, to: Date? = nil, bucket: Bucket = .hour, groupBy: GroupBy = .none) {
        self.from = from
        self.to = to
        self.bucket = bucket
        self.groupBy = groupBy
    }
}

/// Token sums by kind (unknown counts add nothing).
public struct TokenTotals: Sendable, Equatable {
    public var input: Int
    public var cacheRead: Int
    public var cacheWrite: Int
    public var output: Int
    public var reasoning: Int

    public init(input: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, output: Int = 0, reasoning: Int = 0) {
        self.input = input
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
    }

    static func + (a: TokenTotals, b: TokenTotals) -> TokenTotals {
        TokenTotals(
            input: a.input + b.input, cacheRead: a.cacheRead + b.cacheRead,
            cacheWrite: a.cacheWrite + b.cacheWrite, output: a.output + b.output,
            reasoning: a.reasoning + b.reasoning)
    }
}

/// p50 and p95 by nearest rank; nil when there were no values.
public struct Percentiles: Sendable, Equatable {
    public var p50: Double?
    public var p95: Double?

    public init(p50: Double? = nil, p95: Double? = nil) {
        self.p50 = p50
        self.p95 = p95
    }

    /// Nearest-rank percentiles of `values` (any order).
    public init(of values: [Double]) {
        let sorted = values.sorted()
        self.init(p50: Self.nearestRank(sorted, 50), p95: Self.nearestRank(sorted, 95))
    }

    /// The value at rank ceil(p/100 × n) of an ascending array.
    static func nearestRank(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// Aggregates over a set of usage rows (one bucket, or the whole range).
public struct SummaryStats: Sendable, Equatable {
    public var requests: Int
    /// Rows whose outcome is `error`.
    public var errors: Int
    public var cancelled: Int
    public var tokens: TokenTotals
    /// Sum of known costs; nil when no row had a cost (unknown, not zero).
    public var cost: Double?
    public var ttftMs: Percentiles
    /// Output tokens per second.
    public var tokensPerSecond: Percentiles

    public init(
        requests: Int = 0, errors: Int = 0, cancelled: Int = 0, tokens: TokenTotals = TokenTotals(),
        cost: Double? = nil, ttftMs: Percentiles = Percentiles(),
        tokensPerSecond: Percentiles = Percentiles()
    ) {
        self.requests = requests
        self.errors = errors
        self.cancelled = cancelled
        self.tokens = tokens
        self.cost = cost
        self.ttftMs = ttftMs
        self.tokensPerSecond = tokensPerSecond
    }
}

/// One time bucket (and group); `bucket.requests` etc. read through to `stats`.
@dynamicMemberLookup
public struct SummaryBucket: Sendable, Equatable {
    public var start: Date
    /// The model, provider, key name or attribution; nil without grouping (or when the rows had none).
    public var group: String?
    public var stats: SummaryStats

    public init(start: Date, group: String?, stats: SummaryStats) {
        self.start = start
        self.group = group
        self.stats = stats
    }

    public subscript<T>(dynamicMember path: KeyPath<SummaryStats, T>) -> T { stats[keyPath: path] }
}

/// The answer to a summary query: buckets oldest first (then by group), and totals over all of them.
public struct UsageSummary: Sendable, Equatable {
    public var bucket: UsageSummaryQuery.Bucket
    public var groupBy: UsageSummaryQuery.GroupBy
    /// Only buckets with rows; empty ones are left out.
    public var buckets: [SummaryBucket]
    public var totals: SummaryStats

    public init(
        bucket: UsageSummaryQuery.Bucket, groupBy: UsageSummaryQuery.GroupBy, buckets: [SummaryBucket],
        totals: SummaryStats
    ) {
        self.bucket = bucket
        self.groupBy = groupBy
        self.buckets = buckets
        self.totals = totals
    }
}
