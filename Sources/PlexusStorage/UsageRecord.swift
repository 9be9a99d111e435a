import Foundation
import PlexusCore

/// One finished request as written to the usage log.
public struct UsageRecord: Sendable, Equatable {
    /// How a request ended.
    public enum Outcome: String, Sendable, Codable {
        case success
        case error
        case cancelled
    }

    /// Token counts by kind; nil where the upstream did not say.
    public struct Tokens: Sendable, Equatable {
        public var input: Int?
        public var cacheRead: Int?
        public var cacheWrite: Int?
        public var output: Int?
        public var reasoning: Int?

        public init(input: Int? = nil, cacheRead: Int? = nil, cacheWrite: Int? = nil, output: Int? = nil, reasoning: Int? = nil) {
            self.input = input
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.output = output
            self.reasoning = reasoning
        }
    }

    public var requestID: String
    public var startedAt: Date
    public var keyName: String?
    public var alias: String?
    public var provider: String?
    public var upstreamModel: String?
    public var clientProtocol: APIProtocol
    public var targetProtocol: APIProtocol?
    public var passthrough: Bool
    public var streamed: Bool
    public var outcome: Outcome
    public var httpStatus: Int
    public var tokens: Tokens
    public var ttftMs: Double?
    public var durationMs: Double
    public var outputTokensPerSecond: Double?
    public var stopReason: String?
    public var errorText: String?

    public init(
        requestID: String, startedAt: Date, keyName: String? = nil, alias: String? = nil, provider: String? = nil,
        upstreamModel: String? = nil, clientProtocol: APIProtocol, targetProtocol: APIProtocol? = nil,
        passthrough: Bool = false, streamed: Bool = false, outcome: Outcome, httpStatus: Int,
        tokens: Tokens = Tokens(), ttftMs: Double? = nil, durationMs: Double, outputTokensPerSecond: Double? = nil,
        stopReason: String? = nil, errorText: String? = nil
    ) {
        self.requestID = requestID
        self.startedAt = startedAt
        self.keyName = keyName
        self.alias = alias
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.clientProtocol = clientProtocol
        self.targetProtocol = targetProtocol
        self.passthrough = passthrough
        self.streamed = streamed
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.tokens = tokens
        self.ttftMs = ttftMs
        self.durationMs = durationMs
        self.outputTokensPerSecond = outputTokensPerSecond
        self.stopReason = stopReason
        self.errorText = errorText
    }
}

/// The storage of the usage log; SQLite today, PostgreSQL behind the same protocol later.
public protocol UsageStore: Sendable {
    /// Inserts rows in one transaction.
    func insert(_ rows: [UsageRecord]) async throws
    /// The newest rows first.
    func recent(limit: Int) async throws -> [UsageRecord]
    /// One row by request id.
    func record(id: String) async throws -> UsageRecord?
    func close() async throws
}
