import PlexusCore

/// A target that can serve a request, with everything needed to reach it.
public struct Candidate: Sendable, Equatable {
    public var target: TargetID
    public var provider: ProviderConfig
    /// Weight for the random selector.
    public var weight: Double
    /// Protocols the model is reachable by (its `access_via`, else the provider's), in `APIProtocol` order.
    public var protocols: [APIProtocol]
    /// Base URL per reachable protocol.
    public var baseURLs: [APIProtocol: String]
    /// `nil` when unpriced (cost unknown).
    public var pricing: ModelPricing?

    /// Builds the candidate for `model` on `provider`.
    public init(provider: ProviderConfig, model: String, weight: Double = 1) {
        let protocols = provider.protocols(forModel: model)
        self.target = TargetID(provider: provider.name, model: model)
        self.provider = provider
        self.weight = weight
        self.protocols = protocols
        self.baseURLs = provider.baseURLs.filter { protocols.contains($0.key) }
        self.pricing = provider.model(named: model)?.pricing
    }

    /// Whether the client's protocol can be passed through unchanged.
    public func speaks(_ proto: APIProtocol) -> Bool { baseURLs[proto] != nil }
}
