/// A model alias (`models.NAME`): the names clients use and the targets they route to.
public struct AliasConfig: Sendable, Equatable {
    public var name: String
    /// More names that route here.
    public var additionalAliases: [String]
    /// Names matching one of these route here too (after exact names); a target's `model: "*"` then means the name
    /// the client asked for.
    public var patterns: [ModelPattern]
    public var selector: Selector
    public var priority: Priority
    /// Targets in file order.
    public var targets: [TargetConfig]
    /// Alias whose candidates are tried when every target here fails.
    public var fallback: String?
    /// What `/v1/models` shows for the alias, over what its targets' models say.
    public var contextLength: Int?
    public var maxOutputTokens: Int?

    public init(
        name: String, additionalAliases: [String] = [], patterns: [ModelPattern] = [], selector: Selector = .random,
        priority: Priority = .selector, targets: [TargetConfig] = [], fallback: String? = nil
    ) {
        self.name = name
        self.additionalAliases = additionalAliases
        self.patterns = patterns
        self.selector = selector
        self.priority = priority
        self.targets = targets
        self.fallback = fallback
    }

    /// The alias name followed by its additional aliases.
    public var allNames: [String] { [name] + additionalAliases }

    /// How an alias orders its targets.
    public enum Selector: String, Sendable, Equatable, CaseIterable {
        /// Weighted random permutation.
        case random
        /// As declared.
        case inOrder = "in_order"
        /// Cheapest expected cost for the request.
        case cost
        /// Lowest time to first token.
        case latency
        /// Highest output tokens per second.
        case performance
    }

    /// Whether the client's protocol narrows the targets before the selector runs.
    public enum Priority: String, Sendable, Equatable, CaseIterable {
        /// The selector alone decides.
        case selector
        /// Prefer targets reachable by the client's own protocol.
        case apiMatch = "api_match"
    }
}

/// One target of an alias: a provider and its upstream model.
public struct TargetConfig: Sendable, Equatable {
    /// The `model` of a target that sends the name the client asked for (an alias with `patterns`).
    public static let requestedModel = "*"

    public var provider: String
    public var model: String
    /// Weight for the random selector (> 0).
    public var weight: Double
    public var enabled: Bool

    public init(provider: String, model: String, weight: Double = 1, enabled: Bool = true) {
        self.provider = provider
        self.model = model
        self.weight = weight
        self.enabled = enabled
    }
}
