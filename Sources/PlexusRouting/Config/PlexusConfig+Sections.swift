/// `server`: where the gateway listens and who may manage it.
public struct ServerConfig: Sendable, Equatable {
    public var host: String = "127.0.0.1"
    public var port: Int = 4000
    /// Management API and dashboard credential; `nil` (or empty) leaves them unusable.
    public var adminKey: String?
    /// `admin_key` as written when it used `${NAME}`.
    public var adminKeyReference: String?
    /// Larger request bodies get 413.
    public var maxBodyBytes: Int = 33_554_432
    /// Browser origins allowed on inference routes.
    public var corsOrigins: [String] = []
    /// Serve inference routes without a key when no `keys` are configured (local experiments only).
    public var allowAnonymous: Bool = false
    /// A whole request head must arrive within this (from its first byte).
    public var headerTimeoutSeconds: Double = 10
    /// The longest pause while a request body arrives.
    public var bodyTimeoutSeconds: Double = 30
    /// A keep-alive connection with no request is closed after this.
    public var idleTimeoutSeconds: Double = 75
    /// Client connections at most.
    public var maxConnections: Int = 10000

    public init() {}
}

/// `storage`: the database and how long rows are kept.
public struct StorageConfig: Sendable, Equatable {
    /// The parsed `url`.
    public var location: StorageLocation = .sqlite(path: "data/plexus.sqlite")
    /// `url` as written (after `${NAME}` expansion).
    public var url: String = "sqlite://data/plexus.sqlite"
    public var retentionDays: Int = 30
    public var debugRetentionDays: Int = 3

    public init() {}
}

/// `failover`: retries across candidates and the request deadlines.
public struct FailoverConfig: Sendable, Equatable {
    public var enabled: Bool = true
    public var retryableStatusCodes: [Int] = [408, 409, 425, 429, 500, 502, 503, 504, 529]
    /// Candidates tried per request at most.
    public var maxAttempts: Int = 4
    /// One deadline over all attempts.
    public var requestTimeoutSeconds: Double = 600
    /// Per attempt, until the upstream's first event.
    public var firstByteTimeoutSeconds: Double = 60

    public init() {}
}

/// `cooldown`: how long a failing target is set aside.
public struct CooldownConfig: Sendable, Equatable {
    public var initialSeconds: Double = 30
    public var maxSeconds: Double = 1800
    public var retryAfterCapSeconds: Double = 300

    public init() {}
}

/// `routing`: selector exploration and sticky sessions.
public struct RoutingConfig: Sendable, Equatable {
    /// Share of requests (0...1) that refresh stale latency/performance stats.
    public var explorationRate: Double = 0.05
    public var stickySessions: Bool = true

    public init() {}
}

/// `debug`: full trace capture.
public struct DebugConfig: Sendable, Equatable {
    public var capture: Bool = false
    public var captureOnError: Bool = true

    public init() {}
}

/// `pricing`: where OpenRouter prices come from.
public struct PricingConfig: Sendable, Equatable {
    public var openrouterURL: String = "https://openrouter.ai/api/v1/models"
    public var refreshHours: Double = 24

    public init() {}
}

/// `upstream`: how connections to providers are made and pooled.
public struct UpstreamConfig: Sendable, Equatable {
    /// Connections to one upstream host at most; further requests wait for one.
    public var maxConnectionsPerHost: Int = 8192
    public var connectTimeoutSeconds: Double = 10
    /// An idle pooled connection is closed after this.
    public var idleConnectionSeconds: Double = 60

    public init() {}
}
