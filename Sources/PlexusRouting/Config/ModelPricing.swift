/// How a model's usage is priced (USD per million tokens unless said otherwise).
public enum ModelPricing: Sendable, Equatable {
    /// Fixed per-token prices.
    case simple(TokenPrices)
    /// Prices chosen by the request's input tokens: the first tier whose `upTo` is at least that count.
    case tiered([PriceTier])
    /// Prices looked up in the OpenRouter models list by `slug`, less an optional `discount` (0...1).
    case openRouter(slug: String, discount: Double?)
    /// A flat amount per call.
    case perRequest(amount: Double)

    /// The tier that applies to a request with `inputTokens` input tokens (tiered pricing only).
    public func tier(forInputTokens inputTokens: Int) -> PriceTier? {
        guard case .tiered(let tiers) = self else { return nil }
        return tiers.first { ($0.upTo ?? .max) >= inputTokens }
    }
}

/// Per-million-token prices of one model or tier.
public struct TokenPrices: Sendable, Equatable {
    public var input: Double
    public var output: Double
    /// Cache reads.
    public var cached: Double?
    /// Cache writes.
    public var cacheWrite: Double?
    /// Reasoning tokens; `nil` means priced as output.
    public var reasoning: Double?

    public init(
        input: Double, output: Double, cached: Double? = nil, cacheWrite: Double? = nil, reasoning: Double? = nil
    ) {
        self.input = input
        self.output = output
        self.cached = cached
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
    }

    /// The reasoning price, defaulting to the output price.
    public var effectiveReasoning: Double { reasoning ?? output }
}

/// One tier of tiered pricing.
public struct PriceTier: Sendable, Equatable {
    /// Input tokens of the request up to which this tier applies; `nil` = no limit (the last tier).
    public var upTo: Int?
    public var prices: TokenPrices

    public init(upTo: Int?, prices: TokenPrices) {
        self.upTo = upTo
        self.prices = prices
    }
}
