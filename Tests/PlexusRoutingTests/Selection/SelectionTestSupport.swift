import PlexusCore
import PlexusRouting

/// A candidate on a one-model provider speaking `protocols`, with optional pricing.
func candidate(
    _ provider: String, _ model: String = "m", protocols: [APIProtocol] = [.chat], pricing: ModelPricing? = nil,
    weight: Double = 1, discount: Double = 0
) -> Candidate {
    var urls: [APIProtocol: String] = [:]
    for proto in protocols { urls[proto] = "https://\(provider).example/\(proto.rawValue)" }
    let config = ProviderConfig(
        name: provider, baseURLs: urls, discount: discount, models: [ProviderModel(name: model, pricing: pricing)])
    return Candidate(provider: config, model: model, weight: weight)
}

/// Simple per-million prices.
func simple(_ input: Double, _ output: Double, cached: Double? = nil) -> ModelPricing {
    .simple(TokenPrices(input: input, output: output, cached: cached))
}

func target(_ provider: String, _ model: String = "m") -> TargetID {
    TargetID(provider: provider, model: model)
}

/// An input for `selector` at `now` (the rest defaulted).
func selection(
    _ selector: AliasConfig.Selector, priority: AliasConfig.Priority = .selector, client: APIProtocol = .chat,
    inputTokens: Int = 1000, maxOutput: Int? = nil, conversation: UInt64? = nil, now: Double = 10_000,
    exploration: Double = 0, sticky: Bool = true
) -> SelectionInput {
    SelectionInput(
        alias: AliasConfig(name: "a", selector: selector, priority: priority), clientProtocol: client,
        estimatedInputTokens: inputTokens, maxOutputTokens: maxOutput, conversation: conversation, now: now,
        explorationRate: exploration, stickyEnabled: sticky)
}

/// Runs the selector and returns the providers in order.
func ordered(
    _ candidates: [Candidate], _ input: SelectionInput, cooldowns: CooldownTable = CooldownTable(),
    performance: PerformanceTracker = PerformanceTracker(), sticky: StickyTable = StickyTable(),
    openRouter: (String) -> TokenPrices? = { _ in nil }, rng: inout SplitMix64
) -> [String] {
    CandidateOrder.order(
        candidates, input: input, cooldowns: cooldowns, performance: performance, sticky: sticky,
        openRouter: openRouter, using: &rng
    ).map(\.target.provider)
}

/// Same, with a fixed seed.
func ordered(
    _ candidates: [Candidate], _ input: SelectionInput, cooldowns: CooldownTable = CooldownTable(),
    performance: PerformanceTracker = PerformanceTracker(), sticky: StickyTable = StickyTable(),
    openRouter: (String) -> TokenPrices? = { _ in nil }
) -> [String] {
    var rng = SplitMix64(seed: 42)
    return ordered(
        candidates, input, cooldowns: cooldowns, performance: performance, sticky: sticky, openRouter: openRouter,
        rng: &rng)
}

/// |a − b| ≤ tolerance (money and rates are doubles).
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
