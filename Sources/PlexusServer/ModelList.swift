import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PlexusCore
import PlexusRouting

/// `GET /v1/models` (OpenAI form, or Anthropic's when the request carries `anthropic-version`) and
/// `GET /v1beta/models` (Gemini's): the aliases the caller's key may use, with the token limits and prices the
/// config gives (`ModelCard`). The body changes only with the config, so it carries an ETag and a client that
/// sends it back in `If-None-Match` gets a 304.
struct ModelList {
    let engine: ProxyEngine

    func response(_ request: Request, proto: APIProtocol) -> Response {
        let snapshot = engine.state.current
        let id = ProxyEngine.newRequestID()
        // A `SECRET:label` token works here too; no usage row is written, so the label goes unused.
        guard let secret = ClientCredentials.secret(from: request),
            let key = snapshot.keys.key(forToken: secret, now: Date())?.key
        else {
            return HTTPResponses.error(
                PlexusError(.authentication, "missing or invalid API key"), for: proto, requestID: id)
        }
        let prices = engine.routing.openRouterPrices.withLock { $0 }
        let cards = snapshot.resolver.allowedAliases(for: key).compactMap { name in
            snapshot.config.alias(named: name).map { snapshot.resolver.card(for: $0, openRouter: { prices[$0] }) }
        }
        let body = Self.body(cards, proto: proto, created: Int(snapshot.appliedAt.timeIntervalSince1970)).serialized()
        let tag = Self.entityTag(body)
        var h = HTTPFields()
        h[HTTPResponses.requestID] = id
        h[.eTag] = tag
        h[.cacheControl] = "private, no-cache"
        if let asked = request.headers[.ifNoneMatch], Self.matches(asked, tag) {
            return Response(status: .notModified, headers: h)
        }
        return HTTPResponses.json(body, status: 200, headers: h)
    }

    static func body(_ cards: [ModelCard], proto: APIProtocol, created: Int) -> JSONValue {
        switch proto {
        case .chat, .embeddings, .responses:
            return ["object": "list", "data": .array(cards.map { openAI($0, created: created) })]
        case .messages:
            let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(created)))
            return [
                "data": .array(cards.map { anthropic($0, createdAt: date) }), "has_more": false,
                "first_id": cards.first.map { .string($0.name) } ?? .null,
                "last_id": cards.last.map { .string($0.name) } ?? .null,
            ]
        case .gemini:
            return ["models": .array(cards.map(gemini))]
        }
    }

    /// OpenAI's model object, with OpenRouter's `context_length` and `pricing` (USD per token, as decimal strings),
    /// which OpenWebUI and similar clients read.
    static func openAI(_ card: ModelCard, created: Int) -> JSONValue {
        var o = JSONObject([
            ("id", .string(card.name)), ("object", "model"), ("created", .number(Double(created))),
            ("owned_by", "plexus"),
        ])
        if let n = card.contextLength { o["context_length"] = .number(Double(n)) }
        if let n = card.maxOutputTokens { o["max_output_tokens"] = .number(Double(n)) }
        var pricing = JSONObject()
        if let p = card.inputPrice { pricing["prompt"] = .string(perToken(p)) }
        if let p = card.outputPrice { pricing["completion"] = .string(perToken(p)) }
        if let p = card.cachedInputPrice { pricing["input_cache_read"] = .string(perToken(p)) }
        if let p = card.requestPrice { pricing["request"] = .string(decimal(p)) }
        if !pricing.keys.isEmpty { o["pricing"] = .object(pricing) }
        return .object(o)
    }

    static func anthropic(_ card: ModelCard, createdAt: String) -> JSONValue {
        var o = JSONObject([
            ("type", "model"), ("id", .string(card.name)), ("display_name", .string(card.name)),
            ("created_at", .string(createdAt)),
        ])
        if let n = card.contextLength { o["max_input_tokens"] = .number(Double(n)) }
        if let n = card.maxOutputTokens { o["max_tokens"] = .number(Double(n)) }
        return .object(o)
    }

    static func gemini(_ card: ModelCard) -> JSONValue {
        let methods: JSONValue =
            card.kind == .embeddings
            ? ["embedContent", "batchEmbedContents"] : ["generateContent", "streamGenerateContent", "countTokens"]
        var o = JSONObject([
            ("name", .string("models/\(card.name)")), ("displayName", .string(card.name)),
            ("supportedGenerationMethods", methods),
        ])
        if let n = card.contextLength { o["inputTokenLimit"] = .number(Double(n)) }
        if let n = card.maxOutputTokens { o["outputTokenLimit"] = .number(Double(n)) }
        return .object(o)
    }

    /// A price per million tokens as a price per token, in plain decimal digits ("0.000003", never "3e-06").
    static func perToken(_ perMillion: Double) -> String { decimal(perMillion / 1_000_000) }

    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.15f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A strong tag from the body's SHA-256.
    static func entityTag(_ body: [UInt8]) -> String {
        let digest = SHA256.hash(data: body)
        return "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// `If-None-Match`: `*`, or a list of tags (a weak `W/` one matches its strong form, RFC 9110 section 13.1.2).
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { part in
            let t = part.trimmingCharacters(in: .whitespaces)
            return t == "*" || t == tag || t == "W/" + tag
        }
    }
}
