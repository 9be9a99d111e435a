import PlexusCore
import Testing

@testable import PlexusRouting

@Suite struct CandidateOrderTests {
    @Test func weightedRandomFirstPickFollowsWeights() {
        let candidates = [candidate("heavy", weight: 3), candidate("light", weight: 1)]
        var rng = SplitMix64(seed: 7)
        var heavyFirst = 0
        for _ in 0..<2000 where ordered(candidates, selection(.random), rng: &rng).first == "heavy" {
            heavyFirst += 1
        }
        let share = Double(heavyFirst) / 2000
        #expect(abs(share - 0.75) <= 0.05, "heavy first in \(share)")
    }

    @Test func weightedRandomIsAPermutation() {
        let candidates = (0..<5).map { candidate("p\($0)", weight: Double($0 + 1)) }
        var rng = SplitMix64(seed: 1)
        for _ in 0..<50 {
            #expect(ordered(candidates, selection(.random), rng: &rng).sorted() == ["p0", "p1", "p2", "p3", "p4"])
        }
    }

    @Test func inOrderKeepsDeclaredOrder() {
        let candidates = [candidate("c"), candidate("a"), candidate("b")]
        #expect(ordered(candidates, selection(.inOrder)) == ["c", "a", "b"])
    }

    @Test func apiMatchKeepsTheClientsProtocol() {
        let candidates = [
            candidate("openai", protocols: [.chat]), candidate("anthropic", protocols: [.messages]),
            candidate("hub", protocols: [.chat, .messages]),
        ]
        #expect(
            ordered(candidates, selection(.inOrder, priority: .apiMatch, client: .messages)) == ["anthropic", "hub"])
        #expect(ordered(candidates, selection(.inOrder, priority: .apiMatch, client: .chat)) == ["openai", "hub"])
        #expect(
            ordered(candidates, selection(.inOrder, priority: .apiMatch, client: .gemini)) == [
                "openai", "anthropic", "hub",
            ])
        #expect(ordered(candidates, selection(.inOrder, priority: .selector, client: .messages)).count == 3)
    }

    @Test func costPicksTheCheaperTargetAndPutsUnpricedLast() {
        let candidates = [
            candidate("free-but-unknown"), candidate("pricey", pricing: simple(10, 30)),
            candidate("cheap", pricing: simple(1, 2)),
            candidate("unknown-slug", pricing: .openRouter(slug: "x", discount: nil)),
            candidate("mid", pricing: simple(3, 4)),
        ]
        #expect(
            ordered(candidates, selection(.cost)) == ["cheap", "mid", "pricey", "free-but-unknown", "unknown-slug"])
    }

    @Test(arguments: [(1_000, ["tiered", "flat"]), (300_000, ["flat", "tiered"])])
    func tieredPriceChangesThePickForALongPrompt(inputTokens: Int, expected: [String]) {
        let tiered = ModelPricing.tiered([
            PriceTier(upTo: 200_000, prices: TokenPrices(input: 1, output: 5)),
            PriceTier(upTo: nil, prices: TokenPrices(input: 10, output: 50)),
        ])
        let candidates = [candidate("tiered", pricing: tiered), candidate("flat", pricing: simple(3, 10))]
        #expect(ordered(candidates, selection(.cost, inputTokens: inputTokens)) == expected)
    }

    @Test func costUsesObservedOutputTokensThenMaxTokens() {
        // input-heavy vs output-heavy pricing: the expected output length decides.
        let candidates = [candidate("cheap-out", pricing: simple(5, 1)), candidate("cheap-in", pricing: simple(1, 20))]
        #expect(ordered(candidates, selection(.cost, inputTokens: 1000, maxOutput: 10)) == ["cheap-in", "cheap-out"])
        #expect(ordered(candidates, selection(.cost, inputTokens: 1000, maxOutput: 4000)) == ["cheap-out", "cheap-in"])
        var performance = PerformanceTracker()
        performance.record(target("cheap-in"), PerformanceSample(at: 9_990, durationMs: 1, outputTokens: 5000))
        #expect(
            ordered(candidates, selection(.cost, inputTokens: 1000, maxOutput: 10), performance: performance)
                == ["cheap-out", "cheap-in"])
    }

    @Test func costCountsCacheReadsForTheTargetThatServedTheConversation() {
        let candidates = [candidate("a", pricing: simple(2, 2, cached: 0.1)), candidate("b", pricing: simple(1, 2))]
        var sticky = StickyTable()
        sticky.remember(99, target: target("a"), now: 9_000)
        let input = selection(.cost, inputTokens: 100_000, conversation: 99, sticky: false)
        #expect(ordered(candidates, selection(.cost, inputTokens: 100_000)) == ["b", "a"])
        #expect(ordered(candidates, input, sticky: sticky) == ["a", "b"])
    }

    @Test func openRouterPricesComeFromTheLookup() {
        let candidates = [
            candidate("router", pricing: .openRouter(slug: "z/cheap", discount: nil)),
            candidate("direct", pricing: simple(1, 1)),
        ]
        let lookup: (String) -> TokenPrices? = { $0 == "z/cheap" ? TokenPrices(input: 0.1, output: 0.1) : nil }
        #expect(ordered(candidates, selection(.cost), openRouter: lookup) == ["router", "direct"])
        #expect(ordered(candidates, selection(.cost)) == ["direct", "router"])
    }

    @Test func providerDiscountCounts() {
        let candidates = [
            candidate("list", pricing: simple(1, 1)), candidate("discounted", pricing: simple(1.5, 1.5), discount: 0.5),
        ]
        #expect(ordered(candidates, selection(.cost)) == ["discounted", "list"])
    }

    @Test(arguments: [APIProtocol.chat, .messages, .gemini])
    func protocolChoicePrefersTheClientsOwn(client: APIProtocol) {
        #expect(ProtocolChoice.choose(client: client, available: APIProtocol.allCases) == client)
        #expect(ProtocolChoice.choose(client: client, available: []) == nil)
    }

    @Test(arguments: [
        (APIProtocol.messages, [APIProtocol.gemini, .chat], APIProtocol.chat),
        (.chat, [.gemini, .messages], .messages),
        (.gemini, [.messages, .chat], .chat),
        (.messages, [.gemini], .gemini),
        (.chat, [.gemini], .gemini),
        (.gemini, [.messages], .messages),
    ])
    func protocolChoiceFallbackOrder(client: APIProtocol, available: [APIProtocol], expected: APIProtocol) {
        #expect(ProtocolChoice.choose(client: client, available: available) == expected)
    }
}
