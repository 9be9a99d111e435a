import PlexusCore

/// Resolves requested model names to aliases or direct targets, honouring each key's `allowed_models`.
public struct AliasResolver: Sendable {
    public let config: PlexusConfig
    /// Every alias name and additional alias -> index into `config.models` (alias names win over additional ones).
    private let index: [String: Int]

    public init(config: PlexusConfig) {
        self.config = config
        var index: [String: Int] = [:]
        for (i, alias) in config.models.enumerated() where index[alias.name] == nil {
            index[alias.name] = i
        }
        for (i, alias) in config.models.enumerated() {
            for name in alias.additionalAliases where index[name] == nil { index[name] = i }
        }
        self.index = index
    }

    /// Resolves `name` in the order: alias, additional alias, `direct/PROVIDER/MODEL`, an alias's pattern. A `nil`
    /// key (anonymous use) may use everything.
    public func resolve(name: String, key: KeyConfig?) -> Resolution {
        if let i = index[name] {
            let alias = config.models[i]
            return isAllowed(alias: alias, key: key) ? .alias(alias) : .notAllowed(allowed: allowedNames(for: key))
        }
        if let direct = DirectModelName(name), let provider = config.provider(named: direct.provider),
            provider.enabled, provider.offers(model: direct.model)
        {
            guard isAllowed(direct: direct, key: key) else { return .notAllowed(allowed: allowedNames(for: key)) }
            return .direct(provider: provider, model: direct.model)
        }
        if let alias = config.models.first(where: { $0.patterns.contains { $0.matches(name) } }) {
            return isAllowed(alias: alias, key: key)
                ? .pattern(alias, requested: name) : .notAllowed(allowed: allowedNames(for: key))
        }
        return .notFound(allowed: allowedNames(for: key))
    }

    /// The aliases (canonical names, file order) the key may use: what `GET /v1/models` lists.
    public func allowedAliases(for key: KeyConfig?) -> [String] {
        config.models.filter { isAllowed(alias: $0, key: key) }.map(\.name)
    }

    /// Every name the key may use (aliases followed by their additional aliases, file order).
    public func allowedNames(for key: KeyConfig?) -> [String] {
        config.models.filter { isAllowed(alias: $0, key: key) }.flatMap(\.allNames)
    }

    /// Whether the key may use the alias: its allow list names the alias by any of its names.
    public func isAllowed(alias: AliasConfig, key: KeyConfig?) -> Bool {
        guard let allowed = key?.allowedModels else { return true }
        return alias.allNames.contains { allowed.contains($0) }
    }

    /// Whether the key may use a direct name: listed exactly, as `direct/PROVIDER/*`, or as `direct/*`.
    public func isAllowed(direct: DirectModelName, key: KeyConfig?) -> Bool {
        guard let allowed = key?.allowedModels else { return true }
        let providerWildcard = "\(DirectModelName.prefix)\(direct.provider)/*"
        return allowed.contains { $0 == direct.name || $0 == providerWildcard || $0 == "direct/*" }
    }

    /// The alias's enabled targets whose provider is enabled, in declared order. A `model: "*"` target sends
    /// `requested`, the name a pattern matched; called by its own name (`requested` nil) it has no model and is left
    /// out.
    public func candidates(for alias: AliasConfig, requested: String? = nil) -> [Candidate] {
        alias.targets.compactMap { target in
            guard target.enabled, let provider = config.provider(named: target.provider), provider.enabled else {
                return nil
            }
            guard target.model == TargetConfig.requestedModel else {
                return Candidate(provider: provider, model: target.model, weight: target.weight)
            }
            return requested.map { Candidate(provider: provider, model: $0, weight: target.weight) }
        }
    }

    /// The aliases reached through `fallback` after `alias`, in order, each once (stops at a loop).
    public func fallbackChain(for alias: AliasConfig) -> [AliasConfig] {
        var chain: [AliasConfig] = []
        var seen: Set<String> = [alias.name]
        var next = alias.fallback
        while let name = next, seen.insert(name).inserted, let step = config.alias(named: name) {
            chain.append(step)
            next = step.fallback
        }
        return chain
    }
}
