import Testing

@testable import PlexusRouting

@Suite struct CostCalculatorTests {
    let none: (String) -> TokenPrices? = { _ in nil }

    @Test func simplePricesEveryPart() throws {
        let pricing = ModelPricing.simple(
            TokenPrices(input: 3, output: 15, cached: 0.3, cacheWrite: 3.75, reasoning: 10))
        let tokens = TokenCounts(
            input: 1_000_000, cacheRead: 2_000_000, cacheWrite: 100_000, output: 500_000, reasoning: 200_000)
        let cost = try #require(CostCalculator.cost(tokens, pricing: pricing, discount: 0, openRouter: none))
        #expect(close(cost.input, 3) && close(cost.cacheRead, 0.6) && close(cost.cacheWrite, 0.375))
        #expect(close(cost.output, 7.5) && close(cost.reasoning, 2))
        #expect(close(cost.total, 13.475))
    }

    @Test func cacheAndReasoningFallBack() throws {
        let tokens = TokenCounts(input: 1000, cacheRead: 1000, cacheWrite: 1000, output: 1000, reasoning: 1000)
        let cost = try #require(CostCalculator.cost(tokens, pricing: simple(2, 8), discount: 0, openRouter: none))
        // cache read/write at the input price, reasoning at the output price.
        #expect(close(cost.cacheRead, 0.002) && close(cost.cacheWrite, 0.002) && close(cost.reasoning, 0.008))
        #expect(close(cost.total, 0.002 * 3 + 0.008 * 2))
    }

    /// 100k output tokens each; the 150k + 60k request crosses 200k only through its cache reads.
    @Test(arguments: [(100_000, 0, 0.3 + 1.5), (150_000, 60_000, 0.9 + 0.36 + 2.25), (300_000, 0, 1.8 + 2.25)])
    func tieredByPromptTokens(input: Int, cacheRead: Int, expected: Double) throws {
        let pricing = ModelPricing.tiered([
            PriceTier(upTo: 200_000, prices: TokenPrices(input: 3, output: 15, cached: 3)),
            PriceTier(upTo: nil, prices: TokenPrices(input: 6, output: 22.5, cached: 6)),
        ])
        let tokens = TokenCounts(input: input, cacheRead: cacheRead, output: 100_000)
        let cost = try #require(CostCalculator.cost(tokens, pricing: pricing, discount: 0, openRouter: none))
        #expect(close(cost.total, expected))
    }

    @Test func tieredPastTheLastBoundedTierUsesTheLastTier() throws {
        let pricing = ModelPricing.tiered([PriceTier(upTo: 10, prices: TokenPrices(input: 1, output: 1))])
        let cost = CostCalculator.cost(TokenCounts(input: 1_000_000), pricing: pricing, discount: 0, openRouter: none)
        #expect(close(cost?.total, 1))
        #expect(CostCalculator.cost(TokenCounts(input: 1), pricing: .tiered([]), discount: 0, openRouter: none) == nil)
    }

    @Test func perRequestGoesUnderInput() throws {
        let cost = try #require(
            CostCalculator.cost(
                TokenCounts(input: 5, output: 5), pricing: .perRequest(amount: 0.02), discount: 0.5, openRouter: none))
        #expect(close(cost.input, 0.01) && cost.output == 0 && close(cost.total, 0.01))
    }

    @Test func openRouterLooksUpTheSlugAndItsDiscountWins() throws {
        let lookup: (String) -> TokenPrices? = { $0 == "z-ai/glm-4.6" ? TokenPrices(input: 0.5, output: 2) : nil }
        let tokens = TokenCounts(input: 2_000_000, output: 1_000_000)
        let own = CostCalculator.cost(
            tokens, pricing: .openRouter(slug: "z-ai/glm-4.6", discount: 0.2), discount: 0.5, openRouter: lookup)
        #expect(close(own?.total, 3 * 0.8))
        let provider = CostCalculator.cost(
            tokens, pricing: .openRouter(slug: "z-ai/glm-4.6", discount: nil), discount: 0.5, openRouter: lookup)
        #expect(close(provider?.total, 1.5))
        #expect(
            CostCalculator.cost(
                tokens, pricing: .openRouter(slug: "nope", discount: nil), discount: 0, openRouter: lookup) == nil)
    }

    @Test func discountScalesEveryPart() throws {
        let tokens = TokenCounts(input: 1_000_000, cacheRead: 1_000_000, output: 1_000_000)
        let cost = try #require(
            CostCalculator.cost(tokens, pricing: simple(1, 4, cached: 0.5), discount: 0.25, openRouter: none))
        #expect(
            close(cost.input, 0.75) && close(cost.cacheRead, 0.375) && close(cost.output, 3) && close(cost.total, 4.125)
        )
    }

    @Test func unpricedIsNil() {
        #expect(CostCalculator.cost(TokenCounts(input: 1), pricing: nil, discount: 0, openRouter: none) == nil)
        #expect(
            CostCalculator.expectedCost(
                pricing: nil, discount: 0, inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, openRouter: none)
                == nil)
    }

    @Test func expectedCostPricesCachedInputAtTheCachePrice() {
        let pricing = simple(2, 10, cached: 0.2)
        let cold = CostCalculator.expectedCost(
            pricing: pricing, discount: 0, inputTokens: 500_000, outputTokens: 100_000, cachedInputTokens: 0,
            openRouter: none)
        let warm = CostCalculator.expectedCost(
            pricing: pricing, discount: 0, inputTokens: 500_000, outputTokens: 100_000, cachedInputTokens: 500_000,
            openRouter: none)
        #expect(close(cold, 1 + 1) && close(warm, 0.1 + 1))
    }
}
