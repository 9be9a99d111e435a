import Foundation
import PlexusCore

/// Filters and paging for the usage list (`GET /usage`); nil filters match everything.
public struct UsageQuery: Sendable, Equatable {
    /// Rows started at or after this time.
    public var from: Date?
    /// Rows started before this time (exclusive).
    public var to: Date?
    public var key: String?
    /// The label of a `SECRET:label` token.
    public var attribution: String?
    public var alias: String?
    public var provider: String?
    /// The upstream model.
    public var model: String?
    public var outcome: UsageRecord.Outcome?
    public var streamed: Bool?
    public var passthrough: Bool?
    /// Chat (generation) or embeddings requests.
    public var kind: RequestKind?
    /// The protocol the client spoke (`client_api`) and the one the upstream was called in (`target_api`).
    public var clientProtocol: APIProtocol?
    public var targetProtocol: APIProtocol?
    /// Page size, clamped to 1...500.
    public var limit: Int
    /// `nextCursor` of the previous page; nil for the first page.
    public var cursor: String?

    public init(
        from: Date? = nil, to: Date? = nil, key: String? = nil, alias: String? = nil, provider: String? = nil,
        model: String? = nil, outcome: UsageRecord.Outcome? = nil, streamed: Bool? = nil, passthrough: Bool? = nil,
        kind: RequestKind? = nil, clientProtocol: APIProtocol? = nil, targetProtocol: APIProtocol? = nil,
        limit: Int = 50, cursor: String? = nil, attribution: String? = nil
    ) {
        self.from = from
        self.to = to
        self.key = key
        self.alias = alias
        self.provider = provider
        self.model = model
        self.outcome = outcome
        self.streamed = streamed
        self.passthrough = passthrough
        self.kind = kind
        self.clientProtocol = clientProtocol
        self.targetProtocol = targetProtocol
        self.limit = limit
        self.cursor = cursor
        self.attribution = attribution
    }
}

/// Time range and paging for the trace and error lists.
public struct PageQuery: Sendable, Equatable {
    /// Entries at or after this time.
    public var from: Date?
    /// Entries before this time (exclusive).
    public var to: Date?
    /// Page size, clamped to 1...500.
    public var limit: Int
    /// `nextCursor` of the previous page; nil for the first page.
    public var cursor: String?

    public init(from: Date? = nil, to: Date? = nil, limit: Int = 50, cursor: String? = nil) {
        self.from = from
        self.to = to
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of a newest-first list; `nextCursor` is nil on the last page.
public struct Page<Item: Sendable & Equatable>: Sendable, Equatable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// A page of the usage log.
public typealias UsagePage = Page<UsageRecord>
/// A page of trace summaries (no bodies).
public typealias TracePage = Page<TraceSummary>
/// A page of upstream errors.
public typealias ErrorPage = Page<ErrorRecord>

/// Errors a storage query can raise because of its input (the management API answers 400).
public enum StorageQueryError: Error, Sendable, Equatable {
    /// The cursor was not made by this store (or was edited).
    case invalidCursor
}

/// The page-size bounds every list shares.
enum PageLimit {
    static let maximum = 500

    static func clamp(_ limit: Int) -> Int { min(max(limit, 1), maximum) }
}
