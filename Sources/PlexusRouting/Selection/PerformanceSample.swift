/// One finished request to a target, as the performance tracker sees it.
public struct PerformanceSample: Sendable, Equatable, Codable {
    /// When the request finished (seconds since the Unix epoch).
    public var at: Double
    /// Upstream request sent to first content token, in milliseconds; `nil` when there was none.
    public var ttftMs: Double?
    /// Output tokens per second from the first token to the last; `nil` when not measurable.
    public var tokensPerSecond: Double?
    /// Upstream request sent to the last byte, in milliseconds.
    public var durationMs: Double
    public var outputTokens: Int
    public var success: Bool

    public init(
        at: Double, ttftMs: Double? = nil, tokensPerSecond: Double? = nil, durationMs: Double, outputTokens: Int = 0,
        success: Bool = true
    ) {
        self.at = at
        self.ttftMs = ttftMs
        self.tokensPerSecond = tokensPerSecond
        self.durationMs = durationMs
        self.outputTokens = outputTokens
        self.success = success
    }
}

/// Window statistics of one target (percentiles nearest-rank over successful samples; `nil` when no data).
public struct TargetStats: Sendable, Equatable, Codable {
    public var requests: Int
    public var errors: Int
    /// `errors / requests`.
    public var errorRate: Double
    public var ttftP50: Double?
    public var ttftP95: Double?
    public var tpsP50: Double?
    public var tpsP95: Double?
    public var durationP50: Double?
    public var durationP95: Double?
    /// Mean output tokens of successful requests.
    public var meanOutputTokens: Double?
    public var lastSampleAt: Double?
    /// Moving averages the selectors use (see `TargetSummary`).
    public var ewmaTTFT: Double?
    public var ewmaTPS: Double?

    public init(
        requests: Int, errors: Int, errorRate: Double, ttftP50: Double? = nil, ttftP95: Double? = nil,
        tpsP50: Double? = nil, tpsP95: Double? = nil, durationP50: Double? = nil, durationP95: Double? = nil,
        meanOutputTokens: Double? = nil, lastSampleAt: Double? = nil, ewmaTTFT: Double? = nil, ewmaTPS: Double? = nil
    ) {
        self.requests = requests
        self.errors = errors
        self.errorRate = errorRate
        self.ttftP50 = ttftP50
        self.ttftP95 = ttftP95
        self.tpsP50 = tpsP50
        self.tpsP95 = tpsP95
        self.durationP50 = durationP50
        self.durationP95 = durationP95
        self.meanOutputTokens = meanOutputTokens
        self.lastSampleAt = lastSampleAt
        self.ewmaTTFT = ewmaTTFT
        self.ewmaTPS = ewmaTPS
    }
}

/// The cheap per-target summary the selectors read: moving averages and when each was last fed.
public struct TargetSummary: Sendable, Equatable {
    /// Exponentially weighted moving average of TTFT (ms) over successful samples.
    public var ewmaTTFT: Double?
    public var lastTTFTAt: Double?
    /// Exponentially weighted moving average of output tokens/s over successful samples.
    public var ewmaTPS: Double?
    public var lastTPSAt: Double?
    public var lastSampleAt: Double?
    public var lastSuccessAt: Double?

    public init() {}

    /// The TTFT average when it was fed within `window` seconds of `now`, else `nil` (stale or unseen).
    public func freshTTFT(now: Double, window: Double) -> Double? {
        guard let at = lastTTFTAt, now - at <= window else { return nil }
        return ewmaTTFT
    }

    /// The tokens/s average when it was fed within `window` seconds of `now`, else `nil` (stale or unseen).
    public func freshTPS(now: Double, window: Double) -> Double? {
        guard let at = lastTPSAt, now - at <= window else { return nil }
        return ewmaTPS
    }
}
