/// Token counts of one request, split the way they are priced (same meaning as PlexusCore's IR usage).
public struct TokenCounts: Sendable, Equatable, Codable {
    /// Uncached prompt tokens.
    public var input: Int
    /// Prompt tokens read from the provider's cache.
    public var cacheRead: Int
    /// Prompt tokens written to the provider's cache.
    public var cacheWrite: Int
    /// Output tokens, reasoning excluded.
    public var output: Int
    public var reasoning: Int

    public init(input: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, output: Int = 0, reasoning: Int = 0) {
        self.input = input
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
    }

    /// Every prompt token: what tiered pricing is chosen by.
    public var promptTokens: Int { input + cacheRead + cacheWrite }
}

/// A request's cost in USD, by part; `total` is their sum.
public struct CostBreakdown: Sendable, Equatable, Codable {
    public var input: Double
    public var cacheRead: Double
    public var cacheWrite: Double
    public var output: Double
    public var reasoning: Double
    public var total: Double

    public init(
        input: Double = 0, cacheRead: Double = 0, cacheWrite: Double = 0, output: Double = 0, reasoning: Double = 0
    ) {
        self.input = input
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
        self.total = input + cacheRead + cacheWrite + output + reasoning
    }

    /// Every part (and the total) times `factor`.
    public func scaled(by factor: Double) -> CostBreakdown {
        CostBreakdown(
            input: input * factor, cacheRead: cacheRead * factor, cacheWrite: cacheWrite * factor,
            output: output * factor, reasoning: reasoning * factor)
    }
}
