import Foundation
import PlexusCore

/// Where and how to call one protocol of one provider: URL paths and auth headers per protocol.
public struct Endpoint: Sendable, Equatable {
    public var baseURL: String
    public var apiKey: String?
    public var extraHeaders: [(String, String)]

    public init(baseURL: String, apiKey: String?, extraHeaders: [(String, String)] = []) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
    }

    public static func == (a: Endpoint, b: Endpoint) -> Bool {
        a.baseURL == b.baseURL && a.apiKey == b.apiKey && a.extraHeaders.elementsEqual(b.extraHeaders, by: ==)
    }

    /// Whether this endpoint is the built-in in-process mock.
    public var isMock: Bool { baseURL.hasPrefix("mock://") }

    /// The full URL of a generation call.
    public func url(for proto: APIProtocol, model: String, stream: Bool) -> String {
        switch proto {
        case .chat: return base(proto) + "/chat/completions"
        case .messages: return base(proto) + "/messages"
        case .responses: return base(proto) + "/responses"
        case .gemini:
            return base(proto) + "/models/\(Self.escaped(model))"
                + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent")
        case .embeddings: return embeddingsURL(for: proto, model: model)
        }
    }

    /// The token-counting call of a protocol that has one: Anthropic's `messages/count_tokens`, Gemini's
    /// `models/M:countTokens`; nil for OpenAI, which counts nothing server-side.
    public func countTokensURL(for proto: APIProtocol, model: String) -> String? {
        switch proto {
        case .chat, .embeddings, .responses: return nil
        case .messages: return url(for: .messages, model: model, stream: false) + "/count_tokens"
        case .gemini:
            let generate = url(for: .gemini, model: model, stream: false)
            return String(generate.dropLast(":generateContent".count)) + ":countTokens"
        }
    }

    /// The full URL of an embeddings call: OpenAI-shaped `{base}/embeddings`, or Gemini's batch method (it takes
    /// one input or many; the single `:embedContent` gives no more).
    public func embeddingsURL(for proto: APIProtocol, model: String) -> String {
        switch proto {
        case .gemini: base(proto) + "/models/\(Self.escaped(model)):batchEmbedContents"
        case .chat, .messages, .embeddings, .responses: base(proto) + "/embeddings"
        }
    }

    private func base(_ proto: APIProtocol) -> String {
        isMock ? mockBase(proto) : String(baseURL.hasSuffix("/") ? baseURL.dropLast() : baseURL[...])
    }

    /// A model name as one path segment. A plain scan first: Foundation's replacingOccurrences cost ~8k
    /// instructions on every request.
    private static func escaped(_ model: String) -> String {
        model.utf8.contains(UInt8(ascii: "/"))
            ? model.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "%2F") : model
    }

    private func mockBase(_ proto: APIProtocol) -> String {
        switch proto {
        case .chat, .messages, .embeddings, .responses: "mock://local/v1"
        case .gemini: "mock://local/v1beta"
        }
    }

    /// Auth and protocol headers (CONFIG.md "Upstream auth per protocol"), then the provider's own headers.
    public func headers(for proto: APIProtocol, passing clientHeaders: [(String, String)] = []) -> [(String, String)] {
        var h: [(String, String)] = [("content-type", "application/json")]
        switch proto {
        case .chat, .embeddings, .responses:
            if let apiKey { h.append(("authorization", "Bearer \(apiKey)")) }
        case .messages:
            if let apiKey { h.append(("x-api-key", apiKey)) }
            h.append(("anthropic-version", "2023-06-01"))
            h += clientHeaders.filter { $0.0.lowercased() == "anthropic-beta" }
        case .gemini:
            if let apiKey { h.append(("x-goog-api-key", apiKey)) }
        }
        return h + extraHeaders
    }
}
