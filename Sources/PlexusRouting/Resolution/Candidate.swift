import PlexusCore

/// A target that can serve a request, with everything needed to reach it.
///
/// Immutable and shared: a request copies its candidates into the plan, the context and the usage record, and a
/// copy is one reference (the provider's settings alone hold a dozen strings and collections).
public struct Candidate: Sendable, Equatable {
    @usableFromInline
    final class Storage: Sendable {
        @usableFromInline let target: TargetID
        @usableFromInline let provider: ProviderConfig
        @usableFromInline let weight: Double
        @usableFromInline let protocols: [APIProtocol]
        @usableFromInline let baseURLs: [APIProtocol: String]
        @usableFromInline let pricing: ModelPricing?
        @usableFromInline let isMock: Bool
        /// The model's `type`; nil when the provider does not list it (then it may serve either kind).
        @usableFromInline let kind: RequestKind?
        /// The model's `max_concurrency`, when it has one.
        @usableFromInline let modelMaxConcurrency: Int?

        init(provider: ProviderConfig, model: String, weight: Double) {
            let protocols = provider.protocols(forModel: model)
            self.target = TargetID(provider: provider.name, model: model)
            self.provider = provider
            self.weight = weight
            self.protocols = protocols
            self.baseURLs = Dictionary(
                uniqueKeysWithValues: protocols.compactMap { proto in
                    provider.baseURL(for: proto).map { (proto, $0) }
                })
            let listed = provider.model(named: model)
            self.pricing = listed?.pricing
            self.isMock = provider.isMock
            self.kind = listed?.type
            self.modelMaxConcurrency = listed?.maxConcurrency
        }
    }

    @usableFromInline let storage: Storage

    // Inlinable, so `candidate.provider.name` elsewhere reads the one field, not a copy of the whole provider.
    @inlinable public var target: TargetID { storage.target }
    @inlinable public var provider: ProviderConfig { storage.provider }
    /// Weight for the random selector.
    @inlinable public var weight: Double { storage.weight }
    /// Protocols the model is reachable by (its `access_via`, else the provider's), in `APIProtocol` order.
    @inlinable public var protocols: [APIProtocol] { storage.protocols }
    /// Base URL per reachable protocol.
    @inlinable public var baseURLs: [APIProtocol: String] { storage.baseURLs }
    /// `nil` when unpriced (cost unknown).
    @inlinable public var pricing: ModelPricing? { storage.pricing }
    /// Whether the provider is the in-process mock (`ProviderConfig.isMock`, worked out once).
    @inlinable public var isMock: Bool { storage.isMock }

    /// Builds the candidate for `model` on `provider`.
    public init(provider: ProviderConfig, model: String, weight: Double = 1) {
        storage = Storage(provider: provider, model: model, weight: weight)
    }

    /// This candidate's identity: equal for its copies, different for a candidate built anew (a config reload
    /// builds every candidate anew). Layers above key what they work out once per candidate by it.
    public var identity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// The model's `max_concurrency` (the provider's is `provider.maxConcurrency`).
    @inlinable public var modelMaxConcurrency: Int? { storage.modelMaxConcurrency }

    /// The model's `type`; nil when the provider does not list the model.
    @inlinable public var kind: RequestKind? { storage.kind }

    /// Whether this target may be sent a request of `kind`: a listed model only of its own type.
    @inlinable public func serves(_ kind: RequestKind) -> Bool { storage.kind.map { $0 == kind } ?? true }

    /// Whether the client's protocol can be passed through unchanged.
    public func speaks(_ proto: APIProtocol) -> Bool { baseURLs[proto] != nil }

    public static func == (a: Candidate, b: Candidate) -> Bool {
        a.storage === b.storage
            || (a.target == b.target && a.provider == b.provider && a.weight == b.weight && a.protocols == b.protocols
                && a.baseURLs == b.baseURLs && a.pricing == b.pricing)
    }
}
