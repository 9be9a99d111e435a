import PlexusCore

/// Where a request goes, from its method and path (the real providers' paths).
enum MockRoute: Equatable {
    case chatCompletions
    case messages
    case messagesCountTokens
    case geminiGenerate(model: String)
    case geminiStream(model: String, sse: Bool)
    case geminiCountTokens(model: String)
    case embeddings
    /// `POST /v1/responses`.
    case responses
    /// `POST /v1/responses/input_tokens`.
    case responsesInputTokens
    /// `GET` / `DELETE /v1/responses/{id}`, its `input_items`, `POST …/cancel`: the mock stores no response.
    case storedResponse(id: String)
    case geminiEmbed(model: String, batch: Bool)
    case listModels(APIProtocol)
    case health
    /// `GET /mock/stats`: the mock's counters as JSON (tests prove no request was sent twice).
    case stats
    /// `POST /mock/stats/reset`: clears them.
    case statsReset
    case notFound(APIProtocol)

    init(method: String, target: String, headers: MockRequest) {
        let (path, query) = Self.split(target)
        switch (method, path) {
        case ("POST", "/v1/chat/completions"): self = .chatCompletions
        case ("POST", "/v1/messages"): self = .messages
        case ("POST", "/v1/messages/count_tokens"): self = .messagesCountTokens
        case ("POST", "/v1/embeddings"): self = .embeddings
        case ("POST", "/v1/responses"): self = .responses
        case ("POST", "/v1/responses/input_tokens"): self = .responsesInputTokens
        case ("GET", "/v1/models"):
            self = .listModels(headers.header("anthropic-version") != nil ? .messages : .chat)
        case ("GET", "/v1beta/models"): self = .listModels(.gemini)
        case ("GET", "/health"): self = .health
        case ("GET", "/mock/stats"): self = .stats
        case ("POST", "/mock/stats/reset"): self = .statsReset
        default:
            self =
                Self.gemini(method: method, path: path, query: query) ?? Self.storedResponse(method: method, path: path)
                ?? .notFound(Self.guessProtocol(path, headers))
        }
    }

    /// `POST /v1beta/models/{model}:{method}`; the model may itself hold colons (mock grammar).
    private static func gemini(method: String, path: String, query: Substring) -> MockRoute? {
        let prefix = "/v1beta/models/"
        guard method == "POST", path.hasPrefix(prefix), let colon = path.lastIndex(of: ":") else { return nil }
        let model = percentDecoded(String(path[path.index(path.startIndex, offsetBy: prefix.count)..<colon]))
        guard !model.isEmpty else { return nil }
        switch path[path.index(after: colon)...] {
        case "generateContent": return .geminiGenerate(model: model)
        case "streamGenerateContent":
            let sse = query.split(separator: "&").contains { $0 == "alt=sse" }
            return .geminiStream(model: model, sse: sse)
        case "countTokens": return .geminiCountTokens(model: model)
        case "embedContent": return .geminiEmbed(model: model, batch: false)
        case "batchEmbedContents": return .geminiEmbed(model: model, batch: true)
        default: return nil
        }
    }

    /// Whether the answer is an OpenAI Responses one (its routes, and unknown paths under `/v1/responses`).
    var isResponses: Bool {
        switch self {
        case .responses, .responsesInputTokens, .storedResponse, .notFound(.responses): true
        default: false
        }
    }

    /// `/v1/responses/{id}` (GET, DELETE), `/v1/responses/{id}/input_items` (GET), `/v1/responses/{id}/cancel` (POST).
    private static func storedResponse(method: String, path: String) -> MockRoute? {
        let prefix = "/v1/responses/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard let id = rest.first, !id.isEmpty else { return nil }
        switch (method, rest.count, rest.last ?? "") {
        case ("GET", 1, _), ("DELETE", 1, _), ("GET", 2, "input_items"), ("POST", 2, "cancel"):
            return .storedResponse(id: percentDecoded(String(id)))
        default:
            return nil
        }
    }

    /// The protocol whose error shape an unknown route gets.
    private static func guessProtocol(_ path: String, _ request: MockRequest) -> APIProtocol {
        if path.hasPrefix("/v1beta") { return .gemini }
        if path.hasPrefix("/v1/messages") || request.header("anthropic-version") != nil { return .messages }
        if path.hasPrefix("/v1/responses") { return .responses }
        return .chat
    }

    static func split(_ target: String) -> (path: String, query: Substring) {
        guard let q = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<q]), target[target.index(after: q)...])
    }

    /// Decodes `%XX` escapes (a Gemini model name in a path may be escaped).
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let b = bytes.next() {
            guard b == UInt8(ascii: "%"), let h = bytes.next(), let l = bytes.next(),
                let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
            else {
                out.append(b)
                continue
            }
            out.append(v)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
