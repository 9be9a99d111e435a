import Foundation

/// One failed upstream attempt (or a request that failed before reaching one), for `GET /errors`.
public struct ErrorRecord: Sendable, Equatable {
    public var requestID: String
    public var at: Date
    public var provider: String?
    public var model: String?
    /// The upstream's HTTP status; nil when no answer came (connection error, timeout).
    public var status: Int?
    public var message: String
    /// The start of the upstream's error body, as the server cut it.
    public var excerpt: String?

    public init(
        requestID: String, at: Date, provider: String? = nil, model: String? = nil, status: Int? = nil,
        message: String, excerpt: String? = nil
    ) {
        self.requestID = requestID
        self.at = at
        self.provider = provider
        self.model = model
        self.status = status
        self.message = message
        self.excerpt = excerpt
    }
}
