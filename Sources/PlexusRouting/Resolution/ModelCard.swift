import PlexusCore

/// What `/v1/models` tells a client about an alias: its token limits and its price, for clients (OpenWebUI, Cursor)
/// that show them.
public struct ModelCard: Sendable, Equatable {
    public var name: String
    /// The alias's own `context_length`, else the smallest its targets' models declare (any of them may serve).
    public var contextLength: Int?
    /// Likewise for `max_output_tokens`.
    public var maxOutputTokens: Int?
    /// USD per million tokens after discounts, from the first target (in file order) that is priced.
    public var inputPrice: Double?
    public var outputPrice: Double?
    public var cachedInputPrice: Double?
    /// USD per call, for `per_request` pricing.
    public var requestPrice: Double?
    /// What the alias serves: its listed models' `type` (one kind per alias, validated), chat when none is listed.
    public var kind: RequestKind = .chat

    public init(name: String) { self.name = name }
}

extension AliasResolver {
    /// The alias's card; `openRouter` looks up fetched OpenRouter prices.
    public func card(for alias: AliasConfig, openRouter: (String) -> TokenPrices?) -> ModelCard {
        var card = ModelCard(name: alias.name)
        let candidates = candidates(for: alias)
        let models = candidates.compactMap { $0.provider.model(named: $0.target.model) }
        card.contextLength = alias.contextLength ?? models.compactMap(\.contextLength).min()
        card.maxOutputTokens = alias.maxOutputTokens ?? models.compactMap(\.maxOutputTokens).min()
        card.kind = models.first?.type ?? .chat
        for candidate in candidates {
            if price(&card, candidate, openRouter: openRouter) { break }
        }
        return card
    }

    /// Fills the card's prices from one candidate; false when it is unpriced.
    private func price(_ card: inout ModelCard, _ candidate: Candidate, openRouter: (String) -> TokenPrices?) -> Bool {
        func perMillion(_ tokens: TokenCounts) -> Double? {
            CostCalculator.cost(
                tokens, pricing: candidate.pricing, discount: candidate.provider.discount,
                openRouter: openRouter)?.total
        }
        if case .perRequest = candidate.pricing {
            card.requestPrice = perMillion(TokenCounts())
            return card.requestPrice != nil
        }
        let million = 1_000_000
        guard let input = perMillion(TokenCounts(input: million)) else { return false }
        card.inputPrice = input
        card.outputPrice = perMillion(TokenCounts(output: million))
        card.cachedInputPrice = perMillion(TokenCounts(cacheRead: million))
        return true
    }
}
