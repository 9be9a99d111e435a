import Foundation

/// Reads a key's spend from the usage log (to seed a budget after a restart).
public protocol SpendStore: Sendable {
    /// The cost of `key`'s requests that started at or after `since`, and how many of them have tokens but no
    /// known cost (unpriced targets count 0).
    func spend(key: String, since: Date) async throws -> (usd: Double, unpriced: Int)
}

/// One key's counts as every instance sees them, read under that key's lock in the database.
public struct SharedLimitCounts: Sendable, Equatable {
    /// Admissions in the last 60 s, requests not yet finished, tokens finished in the last 60 s.
    public var requests = 0
    public var concurrent = 0
    public var tokens = 0
    public var spendUSD = 0.0
    public var unpriced = 0
    /// Epoch seconds of the admission that keeps the requests window at its cap (nil below the cap).
    public var requestsEdge: Double?
    /// Epoch seconds of the finish whose leaving brings the tokens window under its cap (nil below the cap).
    public var tokensEdge: Double?

    public init() {}
}

/// What a shared admission or read is about.
public struct SharedLimitQuery: Sendable {
    public var key: String
    public var requestID: String
    /// Epoch seconds.
    public var now: Double
    public var requestCap: Int?
    public var tokenCap: Int?
    /// The budget's period (`day`, `week`, `month`) and its start; nil without a budget.
    public var period: (name: String, start: Double)?
    /// An unfinished request older than this many seconds no longer counts as in flight (its instance died).
    public var staleAfter: Double

    public init(
        key: String, requestID: String, now: Double, requestCap: Int?, tokenCap: Int?,
        period: (name: String, start: Double)?, staleAfter: Double
    ) {
        self.key = key
        self.requestID = requestID
        self.now = now
        self.requestCap = requestCap
        self.tokenCap = tokenCap
        self.period = period
        self.staleAfter = staleAfter
    }
}

/// Key limit counts kept in a database that several gateways share.
public protocol SharedLimitStore: Sendable {
    /// Reads the counts under the key's lock and, when `admits` says so, records the request as admitted in the
    /// same transaction; returns the counts read (before this request).
    func admit(_ query: SharedLimitQuery, admits: @escaping @Sendable (SharedLimitCounts) -> Bool) async throws
        -> (counts: SharedLimitCounts, admitted: Bool)
    /// Marks an admitted request finished with its tokens, and adds its cost to the period's spend.
    func finish(_ query: SharedLimitQuery, tokens: Int, costUSD: Double?) async throws
    /// The counts without admitting anything.
    func counts(_ query: SharedLimitQuery) async throws -> SharedLimitCounts
}
