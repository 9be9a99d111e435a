/// Token counting across protocols: a client's count request (Anthropic `count_tokens`, Gemini `countTokens`)
/// as the counting call of another protocol (those two, or OpenAI Responses' `input_tokens`), and the count back.
public enum TokenCountRequest {
    /// The IR of a client's count request. Anthropic's body is a Messages request without `max_tokens`; Gemini's
    /// is `{contents}` or `{generateContentRequest}`.
    public static func decode(_ body: [UInt8], from proto: APIProtocol, model: String) throws(PlexusError) -> IR.Request
    {
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
    /// OpenAI's `POST /responses/input_tokens` takes these members of a Responses request.
    static let responsesMembers = [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "text",
        "previous_response_id", "conversation", "truncation",
    ]

    /// The body of `target`'s counting call for `request` (nil for a protocol that cannot count).
    public static func encode(_ request: IR.Request, to target: APIProtocol, upstreamModel: String)
        throws(PlexusError) -> [UInt8]?
    {
        switch target {
        case .chat, .embeddings:
            return nil
        case .messages, .responses:
            let full = try Translator.encodeRequest(request, to: target, upstreamModel: upstreamModel)
            guard case .object(let o)? = try? JSONValue(parsing: full) else { return nil }
            let members = target == .messages ? anthropicMembers : responsesMembers
            let kept = members.compactMap { key in o[key].map { (key, $0) } }
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
        case .chat, .embeddings: return nil
        case .messages, .responses: return json["input_tokens"]?.intValue
        case .gemini: return json["totalTokens"]?.intValue
        }
    }

    /// A count as the client's protocol answers it.
    public static func answer(_ tokens: Int, for proto: APIProtocol) -> [UInt8] {
        let json: JSONValue =
            switch proto {
            case .gemini: ["totalTokens": .number(Double(tokens))]
            case .responses: ["object": "response.input_tokens", "input_tokens": .number(Double(tokens))]
            case .chat, .messages, .embeddings: ["input_tokens": .number(Double(tokens))]
            }
        return json.serialized()
    }
}
