import PlexusCore

/// A loaded and validated `plexus.yaml`, with every default filled in.
public struct PlexusConfig: Sendable, Equatable {
    public var server: ServerConfig
    public var storage: StorageConfig
    public var failover: FailoverConfig
    public var cooldown: CooldownConfig
    public var routing: RoutingConfig
    public var debug: DebugConfig
    public var pricing: PricingConfig
    public var upstream: UpstreamConfig
    /// Providers in file order.
    public var providers: [ProviderConfig]
    /// Aliases (the `models` section) in file order.
    public var models: [AliasConfig]
    /// Client keys in file order.
    public var keys: [KeyConfig]
    /// The YAML text as read, kept so write-back can preserve `${NAME}` references and layout.
    public var rawYAML: String
    /// Key path -> value as written, for every string value that contained a `${NAME}` reference.
    public var environmentReferences: [String: String]

    public init(
        server: ServerConfig = ServerConfig(),
        storage: StorageConfig = StorageConfig(),
        failover: FailoverConfig = FailoverConfig(),
        cooldown: CooldownConfig = CooldownConfig(),
        routing: RoutingConfig = RoutingConfig(),
        debug: DebugConfig = DebugConfig(),
        pricing: PricingConfig = PricingConfig(),
        upstream: UpstreamConfig = UpstreamConfig(),
        providers: [ProviderConfig] = [],
        models: [AliasConfig] = [],
        keys: [KeyConfig] = [],
        rawYAML: String = "",
        environmentReferences: [String: String] = [:]
    ) {
        self.server = server
        self.storage = storage
        self.failover = failover
        self.cooldown = cooldown
        self.routing = routing
        self.debug = debug
        self.pricing = pricing
        self.upstream = upstream
        self.providers = providers
        self.models = models
        self.keys = keys
        self.rawYAML = rawYAML
        self.environmentReferences = environmentReferences
    }

    /// The provider with this name, if any.
    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }

    /// The alias with this name (not an additional alias), if any.
    public func alias(named name: String) -> AliasConfig? {
        models.first { $0.name == name }
    }

    /// The key with this name, if any.
    public func key(named name: String) -> KeyConfig? {
        keys.first { $0.name == name }
    }
}
