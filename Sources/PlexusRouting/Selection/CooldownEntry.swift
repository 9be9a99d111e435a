/// Why a target was set aside.
public enum CooldownReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// HTTP 429.
    case rateLimited = "rate_limited"
    /// HTTP 5xx other than 529.
    case serverError = "server_error"
    /// HTTP 529 or an overloaded error.
    case overloaded
    /// The connection could not be made.
    case connection
    /// The connection was reset mid-request.
    case reset
    /// A first-byte or request timeout (or HTTP 408).
    case timeout
    /// An error event inside a 200 stream.
    case errorEvent = "error_event"

    /// The reason an upstream HTTP status sets, or `nil` when that status sets no cooldown (client errors).
    public init?(httpStatus status: Int) {
        switch status {
        case 429: self = .rateLimited
        case 529: self = .overloaded
        case 408: self = .timeout
        case 500...599: self = .serverError
        default: return nil
        }
    }
}

/// One cooling target: why, how many consecutive failures, and until when (seconds since the Unix epoch).
public struct CooldownEntry: Sendable, Equatable, Codable {
    public var target: TargetID
    public var reason: CooldownReason
    /// The upstream HTTP status, when the failure had one.
    public var status: Int?
    /// Consecutive failures of the target when this entry was set (1 for the first).
    public var failures: Int
    /// When the cooldown ends.
    public var until: Double
    /// When the cooldown was set.
    public var setAt: Double

    public init(
        target: TargetID, reason: CooldownReason, status: Int? = nil, failures: Int, until: Double, setAt: Double
    ) {
        self.target = target
        self.reason = reason
        self.status = status
        self.failures = failures
        self.until = until
        self.setAt = setAt
    }

    /// Whether the cooldown is still running at `now`.
    public func isActive(now: Double) -> Bool { until > now }

    /// Seconds left at `now` (0 once expired).
    public func remaining(now: Double) -> Double { max(0, until - now) }

    // Flat JSON (`provider`, `model` beside the other fields): TargetID itself is not Codable.
    private enum CodingKeys: String, CodingKey {
        case provider, model, reason, status, failures, until, setAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = TargetID(
            provider: try c.decode(String.self, forKey: .provider), model: try c.decode(String.self, forKey: .model))
        reason = try c.decode(CooldownReason.self, forKey: .reason)
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        failures = try c.decode(Int.self, forKey: .failures)
        until = try c.decode(Double.self, forKey: .until)
        setAt = try c.decode(Double.self, forKey: .setAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target.provider, forKey: .provider)
        try c.encode(target.model, forKey: .model)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encode(failures, forKey: .failures)
        try c.encode(until, forKey: .until)
        try c.encode(setAt, forKey: .setAt)
    }
}
