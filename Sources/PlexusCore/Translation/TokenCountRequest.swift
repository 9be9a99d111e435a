/// Token counting across protocols: a client's count request (Anthropic `count_tokens`, Gemini `countTokens`)
/// as the counting call of another protocol, and the count back.
public enum TokenCountRequest {
    /// The IR of a client's count request. Anthropic's body is a Messages request without `max_tokens`; Gemini's
    /// is `{contents}` or `{generateContentRequest}`.
    public static func decode(_ body: [UInt8], from proto: APIProtocol, model: String) throws(PlexusError) -> IR.Request {
        guard proto == .gemini else { return try Translator.decodeRequest(body, from: proto, model: model) }
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch {
            throw PlexusError(.invalidRequest, "the body must be a JSON object: \(error)")
        }
        let inner = json["generateContentRequest"] ?? json["generate_content_request"] ?? json
        return try Translator.decodeRequest(inner.serialized(), from: .gemini, model: model)
    }

    /// Anthropic `count_tokens` takes these members of a Messages request, and refuses the others.
    static let anthropicMembers = ["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers"]

    /// The body of `target`'s counting call for `request` (nil for a protocol that cannot count).
    public static func encode(_ request: IR.Request, to target: APIProtocol, upstreamModel: String)
        throws(PlexusError) -> [UInt8]?
    {
        switch target {
        case .chat, .embeddings, .responses:
            return nil
        case .messages:
            let full = try Translator.encodeRequest(request, to: .messages, upstreamModel: upstreamModel)
            guard case .object(let o)? = try? JSONValue(parsing: full) else { return nil }
            let kept = anthropicMembers.compactMap { key in o[key].map { (key, $0) } }
            return JSONValue.object(JSONObject(kept)).serialized()
        case .gemini:
            let full = try Translator.encodeRequest(request, to: .gemini, upstreamModel: upstreamModel)
            guard case .object(var o)? = try? JSONValue(parsing: full) else { return nil }
            o["model"] = .string("models/" + upstreamModel)
            return JSONValue.object(JSONObject([("generateContentRequest", .object(o))])).serialized()
        }
    }

    /// The count in a counting call's answer.
    public static func count(in body: [UInt8], from proto: APIProtocol) -> Int? {
        guard let json = try? JSONValue(parsing: body) else { return nil }
        switch proto {
        case .chat, .embeddings, .responses: return nil
        case .messages: return json["input_tokens"]?.intValue
        case .gemini: return json["totalTokens"]?.intValue
        }
    }

    /// A count as the client's protocol answers it.
    public static func answer(_ tokens: Int, for proto: APIProtocol) -> [UInt8] {
        let json: JSONValue = proto == .gemini
            ? ["totalTokens": .number(Double(tokens))] : ["input_tokens": .number(Double(tokens))]
        return json.serialized()
    }
}
