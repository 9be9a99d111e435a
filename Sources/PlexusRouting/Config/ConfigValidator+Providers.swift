import PlexusCore

extension ConfigValidator {
    static func checkProvider(_ provider: ProviderConfig, into issues: inout [Issue]) {
        let path = "providers.\(provider.name)"
        if provider.name.trimmingSpaces.isEmpty || provider.name.contains("/") {
            issues.append(Issue(path, "provider names must be non-empty and contain no '/'"))
        }
        if !(provider.timeoutSeconds > 0) {
            issues.append(Issue("\(path).timeout_seconds", "must be greater than 0"))
        }
        if let proxy = provider.proxy, case .failure = ProxyAddress.parse(proxy) {
            issues.append(
                Issue("\(path).proxy", "expected http://host:port (optionally http://user:password@host:port)"))
        }
        if !(0...1).contains(provider.discount) {
            issues.append(Issue("\(path).discount", "must be between 0 and 1"))
        }
        for model in provider.models {
            let modelPath = "\(path).models.\(model.name)"
            if model.name.trimmingSpaces.isEmpty { issues.append(Issue(modelPath, "model name must not be empty")) }
            if let via = model.accessVia { checkAccessVia(via, provider, at: "\(modelPath).access_via", into: &issues) }
            if let pricing = model.pricing { checkPricing(pricing, at: "\(modelPath).pricing", into: &issues) }
            if model.type == .embeddings, !provider.protocols(forModel: model.name).contains(where: Self.embeds) {
                issues.append(
                    Issue(
                        "\(modelPath).type",
                        "provider '\(provider.name)' has no URL to embed at (an embeddings, chat or gemini base URL)"))
            }
        }
    }

    /// Whether a target can be asked for embeddings in `proto` (OpenAI-shaped `/embeddings` or Gemini).
    static func embeds(_ proto: APIProtocol) -> Bool { proto == .embeddings || proto == .gemini }

    static func checkAccessVia(
        _ via: [APIProtocol], _ provider: ProviderConfig, at path: String, into issues: inout [Issue]
    ) {
        if via.isEmpty { issues.append(Issue(path, "must list at least one protocol")) }
        for (i, proto) in via.enumerated() where provider.baseURL(for: proto) == nil {
            let offered = provider.protocols.map(\.rawValue).joined(separator: ", ")
            issues.append(
                Issue(
                    "\(path)[\(i)]",
                    "provider '\(provider.name)' has no \(proto.rawValue) base URL (it offers: \(offered))"))
        }
    }

    static func checkPricing(_ pricing: ModelPricing, at path: String, into issues: inout [Issue]) {
        switch pricing {
        case .simple(let prices):
            checkPrices(prices, at: path, into: &issues)
        case .tiered(let tiers):
            checkTiers(tiers, at: "\(path).tiers", into: &issues)
        case .openRouter(let slug, let discount):
            if slug.trimmingSpaces.isEmpty { issues.append(Issue("\(path).slug", "must not be empty")) }
            if let discount, !(0...1).contains(discount) {
                issues.append(Issue("\(path).discount", "must be between 0 and 1"))
            }
        case .perRequest(let amount):
            if amount < 0 { issues.append(Issue("\(path).amount", "must not be negative")) }
        }
    }

    static func checkPrices(_ prices: TokenPrices, at path: String, into issues: inout [Issue]) {
        let fields: [(String, Double?)] = [
            ("input", prices.input), ("output", prices.output), ("cached", prices.cached),
            ("cache_write", prices.cacheWrite), ("reasoning", prices.reasoning),
        ]
        for (name, value) in fields {
            if let value, value < 0 { issues.append(Issue("\(path).\(name)", "must not be negative")) }
        }
    }

    /// Tiers ascend strictly by `up_to`, and only the last one is unlimited (`up_to: null`).
    static func checkTiers(_ tiers: [PriceTier], at path: String, into issues: inout [Issue]) {
        guard !tiers.isEmpty else {
            issues.append(Issue(path, "must list at least one tier"))
            return
        }
        var previous: Int?
        for (i, tier) in tiers.enumerated() {
            let tierPath = "\(path)[\(i)]"
            checkPrices(tier.prices, at: tierPath, into: &issues)
            let isLast = i == tiers.count - 1
            switch (tier.upTo, isLast) {
            case (nil, false):
                issues.append(Issue("\(tierPath).up_to", "only the last tier may have up_to: null"))
            case (.some, true):
                issues.append(Issue("\(tierPath).up_to", "the last tier must have up_to: null (no limit)"))
            case (.some(let limit), false):
                if limit <= 0 || (previous.map { limit <= $0 } ?? false) {
                    issues.append(Issue("\(tierPath).up_to", "tiers must be ordered by increasing up_to"))
                }
                previous = limit
            case (nil, true):
                break
            }
        }
    }
}
