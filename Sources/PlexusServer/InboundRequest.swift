import PlexusCore

/// A client request body, parsed once: the JSON, where its top-level members lie, and the routing fields.
struct InboundRequest: Sendable {
    var bytes: [UInt8]
    var json: JSONValue
    var spans: [(key: String, range: Range<Int>)]
    var model: String
    var stream: Bool
    /// OpenAI clients only get the usage chunk of a stream when they asked for it.
    var clientWantsStreamUsage: Bool
    /// A Gemini stream asked for without `alt=sse`: Google's streamed JSON array.
    var geminiJSONArray = false

    /// Parses and checks the shape every protocol needs; errors name the problem (API.md "Bad input").
    init(bytes: [UInt8], proto: APIProtocol, pathModel: String?, pathStream: Bool?) throws(PlexusError) {
        let parsed: (value: JSONValue, spans: [(key: String, range: Range<Int>)])
        do {
            parsed = try JSONValue.parseWithTopLevelSpans(bytes, maxDepth: 64)
        } catch {
            throw PlexusError(.invalidRequest, "malformed JSON body: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let obj) = parsed.value else {
            throw PlexusError(.invalidRequest, "the request body must be a JSON object")
        }
        self.bytes = bytes
        json = parsed.value
        spans = parsed.spans
        switch proto {
        case .chat, .messages:
            guard let m = obj["model"]?.stringValue, !m.isEmpty else {
                throw PlexusError(.invalidRequest, "missing required field 'model'", param: "model")
            }
            guard let messages = obj["messages"]?.arrayValue else {
                throw PlexusError(.invalidRequest, "missing required field 'messages'", param: "messages")
            }
            if proto == .chat && messages.isEmpty {
                throw PlexusError(.invalidRequest, "'messages' must not be empty", param: "messages")
            }
            model = m
            stream = obj["stream"]?.boolValue ?? false
        case .gemini:
            guard let m = pathModel, !m.isEmpty else {
                throw PlexusError(.invalidRequest, "missing model in the request path")
            }
            guard obj["contents"]?.arrayValue != nil else {
                throw PlexusError(.invalidRequest, "missing required field 'contents'", param: "contents")
            }
            model = m
            stream = pathStream ?? false
        }
        clientWantsStreamUsage = obj["stream_options"]?["include_usage"]?.boolValue ?? false
    }

    /// The body for a same-protocol upstream: only the model replaced, usage requested, `extra_body` merged.
    func passthroughBody(proto: APIProtocol, upstreamModel: String, extraBody: JSONObject) -> [UInt8] {
        var patch = JSONTopLevelPatch(bytes: bytes, spans: spans)
        for (k, v) in extraBody.pairs { patch.set(k, v) }
        if proto != .gemini && upstreamModel != model { patch.set("model", .string(upstreamModel)) }
        if proto == .chat && stream && !clientWantsStreamUsage {
            var options = json["stream_options"]?.objectValue ?? JSONObject()
            options["include_usage"] = true
            patch.set("stream_options", .object(options))
        }
        return patch.result()
    }
}
