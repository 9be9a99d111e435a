import Foundation
import PlexusCore

/// One finished request as written to the usage log.
public struct UsageRecord: Sendable, Equatable, Codable {
    /// How a request ended.
    public enum Outcome: String, Sendable, Codable {
        case success
        case error
        case cancelled
        /// Refused by the gateway's own limits (a key's limits, or every target at its `max_concurrency`).
        case limited
    }

    /// Token counts by kind; nil where the upstream did not say.
    public struct Tokens: Sendable, Equatable, Codable {
        public var input: Int?
        public var cacheRead: Int?
        public var cacheWrite: Int?
        public var output: Int?
        public var reasoning: Int?

        public init(
            input: Int? = nil, cacheRead: Int? = nil, cacheWrite: Int? = nil, output: Int? = nil, reasoning: Int? = nil
        ) {
            self.input = input
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.output = output
            self.reasoning = reasoning
        }
    }

    /// One try at one target, in the order they were made.
    public struct Attempt: Sendable, Equatable, Codable {
        public var provider: String
        public var model: String
        /// The protocol the target was spoken to in.
        public var api: String
        /// The upstream's HTTP status; nil when no answer came (connection error, timeout).
        public var status: Int?
        public var error: String?
        public var durationMs: Double
        public var passthrough: Bool

        public init(
            provider: String, model: String, api: String, status: Int?, error: String?, durationMs: Double,
            passthrough: Bool
        ) {
            self.provider = provider
            self.model = model
            self.api = api
            self.status = status
            self.error = error
            self.durationMs = durationMs
            self.passthrough = passthrough
        }
    }

    /// Cost in USD by token kind; the whole value is nil when the target has no pricing (unknown, not zero).
    public struct Cost: Sendable, Equatable, Codable {
        public var input: Double
        public var cacheRead: Double
        public var cacheWrite: Double
        public var output: Double
        public var reasoning: Double
        public var total: Double

        public init(
            input: Double = 0, cacheRead: Double = 0, cacheWrite: Double = 0, output: Double = 0,
            reasoning: Double = 0, total: Double = 0
        ) {
            self.input = input
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.output = output
            self.reasoning = reasoning
            self.total = total
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
    /// Every try, the successful one last.
    public var attempts: [Attempt] = []
    public var cost: Cost?
    /// What the request asked for: chat (generation) or embeddings.
    public var kind: RequestKind = .chat
    /// The token counts are the gateway's estimate, not the upstream's (Gemini reports none for embeddings).
    public var tokensEstimated = false
    /// The label of the client's `SECRET:label` token, for per-user reports; nil without one.
    public var attribution: String?

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

extension UsageRecord {
    /// Decodes a journal line. `kind`, `tokensEstimated` and `attribution` came later: a line without them is a chat
    /// row with the upstream's own counts and no label (the synthesized decoder would have refused it, and a
    /// recovered row been lost).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            requestID: try c.decode(String.self, forKey: .requestID),
            startedAt: try c.decode(Date.self, forKey: .startedAt),
            keyName: try c.decodeIfPresent(String.self, forKey: .keyName),
            alias: try c.decodeIfPresent(String.self, forKey: .alias),
            provider: try c.decodeIfPresent(String.self, forKey: .provider),
            upstreamModel: try c.decodeIfPresent(String.self, forKey: .upstreamModel),
            clientProtocol: try c.decode(APIProtocol.self, forKey: .clientProtocol),
            targetProtocol: try c.decodeIfPresent(APIProtocol.self, forKey: .targetProtocol),
            passthrough: try c.decode(Bool.self, forKey: .passthrough),
            streamed: try c.decode(Bool.self, forKey: .streamed),
            outcome: try c.decode(Outcome.self, forKey: .outcome),
            httpStatus: try c.decode(Int.self, forKey: .httpStatus),
            tokens: try c.decode(Tokens.self, forKey: .tokens),
            ttftMs: try c.decodeIfPresent(Double.self, forKey: .ttftMs),
            durationMs: try c.decode(Double.self, forKey: .durationMs),
            outputTokensPerSecond: try c.decodeIfPresent(Double.self, forKey: .outputTokensPerSecond),
            stopReason: try c.decodeIfPresent(String.self, forKey: .stopReason),
            errorText: try c.decodeIfPresent(String.self, forKey: .errorText))
        attempts = try c.decodeIfPresent([Attempt].self, forKey: .attempts) ?? []
        cost = try c.decodeIfPresent(Cost.self, forKey: .cost)
        kind = try c.decodeIfPresent(RequestKind.self, forKey: .kind) ?? .chat
        tokensEstimated = try c.decodeIfPresent(Bool.self, forKey: .tokensEstimated) ?? false
        attribution = try c.decodeIfPresent(String.self, forKey: .attribution)
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

    /// A newest-first page of rows matching the filters; throws `StorageQueryError.invalidCursor`.
    func usage(query: UsageQuery) async throws -> UsagePage
    /// Bucketed sums and percentiles over a time range.
    func summary(query: UsageSummaryQuery) async throws -> UsageSummary
    /// Inserts (or replaces, by request id) traces.
    func insertTraces(_ traces: [TraceRecord]) async throws
    /// One trace with its body.
    func trace(id: String) async throws -> TraceRecord?
    /// A newest-first page of trace summaries; throws `StorageQueryError.invalidCursor`.
    func traces(query: PageQuery) async throws -> TracePage
    /// The ids among `ids` that have a trace (the usage list marks them).
    func hasTrace(ids: [String]) async throws -> Set<String>
    /// Appends error entries.
    func insertErrors(_ errors: [ErrorRecord]) async throws
    /// A newest-first page of errors; throws `StorageQueryError.invalidCursor`.
    func errors(query: PageQuery) async throws -> ErrorPage
    /// Deletes usage rows and errors before `usageBefore` and traces before `tracesBefore`; returns the counts.
    func deleteOlder(usageBefore: Date, tracesBefore: Date) async throws -> (usage: Int, traces: Int, errors: Int)
}
