import Foundation

/// A captured debug trace: a few columns to list and filter by, and the trace document the server built.
public struct TraceRecord: Sendable, Equatable {
    public var requestID: String
    public var startedAt: Date
    public var keyName: String?
    public var alias: String?
    public var provider: String?
    /// The request's outcome, as in the usage row's `status`.
    public var status: UsageRecord.Outcome?
    /// The trace JSON document; storage never looks inside.
    public var body: String

    public init(
        requestID: String, startedAt: Date, keyName: String? = nil, alias: String? = nil,
        provider: String? = nil, status: UsageRecord.Outcome? = nil, body: String
    ) {
        self.requestID = requestID
        self.startedAt = startedAt
        self.keyName = keyName
        self.alias = alias
        self.provider = provider
        self.status = status
        self.body = body
    }

    /// The listing columns without the body.
    public var summary: TraceSummary {
        TraceSummary(
            requestID: requestID, startedAt: startedAt, keyName: keyName, alias: alias, provider: provider,
            status: status)
    }
}

/// A trace as listed (`GET /debug/traces`): everything but the body.
public struct TraceSummary: Sendable, Equatable {
    public var requestID: String
    public var startedAt: Date
    public var keyName: String?
    public var alias: String?
    public var provider: String?
    public var status: UsageRecord.Outcome?

    public init(
        requestID: String, startedAt: Date, keyName: String? = nil, alias: String? = nil,
        provider: String? = nil, status: UsageRecord.Outcome? = nil
    ) {
        self.requestID = requestID
        self.startedAt = startedAt
        self.keyName = keyName
        self.alias = alias
        self.provider = provider
        self.status = status
    }
}
