import Foundation
import PlexusCore

/// One upstream provider (`providers.NAME`).
public struct ProviderConfig: Sendable, Equatable {
    public var name: String
    public var displayName: String?
    /// Base URL per protocol the provider speaks (trailing `/` removed).
    public var baseURLs: [APIProtocol: String]
    /// Whether `api_base_url` was a single string (protocol inferred) rather than a protocol map.
    public var baseURLInferred: Bool
    public var apiKey: String?
    /// `api_key` as written when it used `${NAME}` (write-back keeps this, never the secret).
    public var apiKeyReference: String?
    public var enabled: Bool
    /// Written as `enabled: auto`: on exactly when `api_key` is non-empty.
    public var enabledAuto: Bool = false
    /// Headers added to every upstream request.
    public var headers: [String: String]
    /// Merged into every upstream request body.
    public var extraBody: JSONObject
    public var timeoutSeconds: Double
    /// `proxy: http://host:port` for this provider's traffic; nil follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
    public var proxy: String?
    /// 0...1, applied to computed cost.
    public var discount: Double
    /// Requests in flight to this provider at most; a full provider is passed over without a cooldown.
    public var maxConcurrency: Int?
    /// Models the provider offers, in file order; empty means "any model name".
    public var models: [ProviderModel]

    public init(
        name: String, displayName: String? = nil, baseURLs: [APIProtocol: String], baseURLInferred: Bool = true,
        apiKey: String? = nil, apiKeyReference: String? = nil, enabled: Bool = true, headers: [String: String] = [:],
        extraBody: JSONObject = JSONObject(), timeoutSeconds: Double = 300, discount: Double = 0,
        models: [ProviderModel] = []
    ) {
        self.name = name
        self.displayName = displayName
        self.baseURLs = baseURLs
        self.baseURLInferred = baseURLInferred
        self.apiKey = apiKey
        self.apiKeyReference = apiKeyReference
        self.enabled = enabled
        self.headers = headers
        self.extraBody = extraBody
        self.timeoutSeconds = timeoutSeconds
        self.discount = discount
        self.models = models
    }

    /// The name to show: `display_name`, else the provider's name.
    public var title: String { displayName ?? name }

    /// The protocols this provider speaks, in `APIProtocol.allCases` order.
    public var protocols: [APIProtocol] { APIProtocol.allCases.filter { baseURL(for: $0) != nil } }

    /// The base URL of `proto`. Embeddings go to the `embeddings` URL, else to the `chat` one (CONFIG.md: an
    /// OpenAI-shaped provider serves `/embeddings` beside `/chat/completions`).
    public func baseURL(for proto: APIProtocol) -> String? {
        baseURLs[proto] ?? (proto == .embeddings ? baseURLs[.chat] : nil)
    }

    /// Whether this is the built-in mock upstream (`mock://`).
    public var isMock: Bool { baseURLs.values.contains { $0.hasPrefix("mock://") } }

    /// The listed model with this name, if any.
    public func model(named name: String) -> ProviderModel? {
        models.first { $0.name == name }
    }

    /// Whether a target may name `model`: listed, or the provider lists no models at all.
    public func offers(model: String) -> Bool {
        models.isEmpty || self.model(named: model) != nil
    }

    /// The protocols `model` is reachable by: its `access_via`, else all of the provider's.
    public func protocols(forModel model: String) -> [APIProtocol] {
        guard let via = self.model(named: model)?.accessVia else { return protocols }
        return protocols.filter { via.contains($0) }
    }

    /// Infers the protocols of a single `api_base_url` string: `anthropic.com` hosts are `messages`,
    /// `generativelanguage.googleapis.com` is `gemini`, `mock://` is every protocol, anything else `chat`.
    public static func inferProtocols(baseURL: String) -> [APIProtocol] {
        if baseURL.lowercased().hasPrefix("mock://") { return APIProtocol.allCases }
        let host = URLComponents(string: baseURL)?.host?.lowercased() ?? ""
        if host == "anthropic.com" || host.hasSuffix(".anthropic.com") { return [.messages] }
        if host == "generativelanguage.googleapis.com" { return [.gemini] }
        return [.chat]
    }
}

/// One model a provider offers (`providers.NAME.models`).
public struct ProviderModel: Sendable, Equatable {
    public var name: String
    /// `nil` means unpriced: cost is unknown, not zero.
    public var pricing: ModelPricing?
    /// Narrows the provider's protocols for this model; `nil` means all of them.
    public var accessVia: [APIProtocol]?
    /// Input tokens the model takes at most, and output tokens it writes at most: shown by `/v1/models`.
    public var contextLength: Int?
    public var maxOutputTokens: Int?
    /// What the model serves (`type`): chat (the default) or embeddings.
    public var type: RequestKind
    /// Requests in flight to this model at most; a full model is passed over without a cooldown.
    public var maxConcurrency: Int?

    public init(
        name: String, pricing: ModelPricing? = nil, accessVia: [APIProtocol]? = nil, contextLength: Int? = nil,
        maxOutputTokens: Int? = nil, type: RequestKind = .chat
    ) {
        self.name = name
        self.pricing = pricing
        self.accessVia = accessVia
        self.contextLength = contextLength
        self.maxOutputTokens = maxOutputTokens
        self.type = type
    }
}
