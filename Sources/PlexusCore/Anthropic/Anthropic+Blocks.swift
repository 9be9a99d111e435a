extension Anthropic.RequestDecoder {
    /// Content: a string or an array of typed blocks.
    static func blocks(_ v: JSONValue?, param: String) throws(PlexusError) -> [IR.Part] {
        try JSONInput.content(v, param: param, what: "an array of content blocks") { (b, path) throws(PlexusError) in
            try block(b, param: path)
        }
    }

    static func block(_ b: JSONValue, param: String) throws(PlexusError) -> IR.Part {
        switch b["type"]?.stringValue {
        case "text":
            return .text(IR.Text(b["text"]?.stringValue ?? "", cacheControl: b["cache_control"]))
        case "image", "document":
            return media(b)
        case "thinking":
            return thinking(b)
        case "redacted_thinking":
            return .redactedThinking(IR.RedactedThinking(data: b["data"]?.stringValue ?? ""))
        case "tool_use":
            return .toolCall(
                IR.ToolCall(
                    id: try requiredID(b, "id", param: param), name: b["name"]?.stringValue ?? "",
                    arguments: ToolArguments.text(from: b["input"])))
        case "tool_result":
            let content = try blocks(b["content"], param: "\(param).content")
            return .toolResult(
                IR.ToolResult(
                    callID: try requiredID(b, "tool_use_id", param: param), content: content,
                    isError: b["is_error"]?.boolValue ?? false, cacheControl: b["cache_control"]))
        default:
            return .opaque(IR.Opaque(origin: .messages, value: b))
        }
    }

    /// A call's or a result's id, which pairs them: required, as Anthropic requires it.
    static func requiredID(_ b: JSONValue, _ key: String, param: String) throws(PlexusError) -> String {
        guard let id = b[key]?.stringValue, !id.isEmpty else {
            throw PlexusError.invalid("'\(param).\(key)' is required.", param: "\(param).\(key)")
        }
        return id
    }

    /// A thinking block; a gateway-tagged signature may hold another provider's signature or redacted data.
    static func thinking(_ b: JSONValue) -> IR.Part {
        let text = b["thinking"]?.stringValue ?? ""
        switch SignatureTag.decode(b["signature"]?.stringValue, native: .messages) {
        case .redacted(let r)?: return .redactedThinking(r)
        case .signature(let s)?: return .thinking(IR.Thinking(text, signature: s))
        case nil: return .thinking(IR.Thinking(text))
        }
    }

    static func media(_ b: JSONValue) -> IR.Part {
        let s = b["source"]
        let isDocument = b["type"]?.stringValue == "document"
        let source: IR.MediaSource
        switch s?["type"]?.stringValue {
        case "base64":
            source = .base64(
                mediaType: s?["media_type"]?.stringValue ?? (isDocument ? "application/pdf" : "image/png"),
                data: s?["data"]?.stringValue ?? "")
        case "url":
            let url = s?["url"]?.stringValue ?? ""
            source = .url(
                url, mediaType: MediaHelpers.guessMediaType(url: url) ?? (isDocument ? "application/pdf" : nil))
        case "text":
            // Plain-text documents travel as standard base64 text/plain so every protocol can carry them.
            let data = s?["data"]?.stringValue ?? ""
            source = .base64(mediaType: "text/plain", data: Base64.encode(Array(data.utf8)))
        default:
            // File ids and other sources only Anthropic resolves.
            return .opaque(IR.Opaque(origin: .messages, value: b))
        }
        let m = IR.Media(source: source, title: b["title"]?.stringValue, cacheControl: b["cache_control"])
        return isDocument ? .document(m) : .image(m)
    }
}
