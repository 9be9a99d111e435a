/// Prices token counts with a model's pricing: actual cost for usage rows, expected cost for the cost selector.
///
/// - Prices are USD per million tokens. Cache reads use `cached` and cache writes `cacheWrite`, each falling back
///   to the input price; reasoning uses `effectiveReasoning` (the output price unless set).
/// - Tiered: the tier is chosen by the request's prompt tokens (input + cache read + cache write); past the last
///   bounded tier the last tier applies.
/// - Per request: the whole amount is reported under `input` (so the parts still sum to `total`).
/// - OpenRouter: prices come from the `openRouter` lookup; the pricing's own `discount` wins over the provider's
///   `discount` when set. Unknown slug = unpriced.
/// - A discount (clamped to 0...1) multiplies every part by `1 − discount`.
public enum CostCalculator {
    /// The cost of `tokens`; `nil` when the model is unpriced (no pricing, unknown OpenRouter slug, no tiers).
    public static func cost(
        _ tokens: TokenCounts, pricing: ModelPricing?, discount: Double, openRouter: (String) -> TokenPrices?
    ) -> CostBreakdown? {
        guard let pricing else { return nil }
        switch pricing {
        case .simple(let prices):
            return price(tokens, prices).scaled(by: factor(discount))
        case .tiered(let tiers):
            guard let prices = tierPrices(tiers, pricing: pricing, promptTokens: tokens.promptTokens) else {
                return nil
            }
            return price(tokens, prices).scaled(by: factor(discount))
        case .openRouter(let slug, let ownDiscount):
            guard let prices = openRouter(slug) else { return nil }
            return price(tokens, prices).scaled(by: factor(ownDiscount ?? discount))
        case .perRequest(let amount):
            return CostBreakdown(input: amount).scaled(by: factor(discount))
        }
    }

    /// Expected USD cost of a request with `inputTokens` prompt tokens, `cachedInputTokens` of them read from
    /// cache, and `outputTokens` output tokens; `nil` when unpriced.
    public static func expectedCost(
        pricing: ModelPricing?, discount: Double, inputTokens: Int, outputTokens: Int, cachedInputTokens: Int,
        openRouter: (String) -> TokenPrices?
    ) -> Double? {
        let prompt = max(0, inputTokens)
        let cached = min(max(0, cachedInputTokens), prompt)
        let tokens = TokenCounts(input: prompt - cached, cacheRead: cached, output: max(0, outputTokens))
        return cost(tokens, pricing: pricing, discount: discount, openRouter: openRouter)?.total
    }

    /// Prices for the tier covering `promptTokens`, else the last tier.
    private static func tierPrices(_ tiers: [PriceTier], pricing: ModelPricing, promptTokens: Int) -> TokenPrices? {
        (pricing.tier(forInputTokens: promptTokens) ?? tiers.last)?.prices
    }

    private static func price(_ tokens: TokenCounts, _ prices: TokenPrices) -> CostBreakdown {
        let perToken = 1 / 1_000_000.0
        return CostBreakdown(
            input: Double(tokens.input) * prices.input * perToken,
            cacheRead: Double(tokens.cacheRead) * (prices.cached ?? prices.input) * perToken,
            cacheWrite: Double(tokens.cacheWrite) * (prices.cacheWrite ?? prices.input) * perToken,
            output: Double(tokens.output) * prices.output * perToken,
            reasoning: Double(tokens.reasoning) * prices.effectiveReasoning * perToken)
    }

    private static func factor(_ discount: Double) -> Double {
        1 - min(max(discount.isFinite ? discount : 0, 0), 1)
    }
}
