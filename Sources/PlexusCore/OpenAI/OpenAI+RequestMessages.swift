extension OpenAI.RequestDecoder {
    static func decodeMessage(_ m: JSONValue, index i: Int, into r: inout IR.Request) throws(PlexusError) {
        let param = "messages[\(i)]"
        guard let role = m["role"]?.stringValue else {
            throw PlexusError.invalid("'\(param).role' is required.", param: "\(param).role")
        }
        switch role {
        case "system", "developer":
            r.system.append(contentsOf: try contentParts(m["content"], param: "\(param).content"))
        case "user":
            r.messages.append(IR.Message(role: .user, parts: try contentParts(m["content"], param: "\(param).content")))
        case "assistant":
            r.messages.append(IR.Message(role: .assistant, parts: try assistantParts(m, param: param)))
        case "tool", "function":
            let id = m["tool_call_id"]?.stringValue ?? m["name"]?.stringValue ?? ""
            // A result pairs with its call by this id alone: without one it would pair with nothing, or anything.
            guard !id.isEmpty else {
                throw PlexusError.invalid("'\(param).tool_call_id' is required.", param: "\(param).tool_call_id")
            }
            let content = try contentParts(m["content"], param: "\(param).content")
            let result = IR.ToolResult(
                callID: id, name: role == "function" ? m["name"]?.stringValue : nil, content: content)
            r.messages.append(IR.Message(role: .tool, parts: [.toolResult(result)]))
        default:
            throw PlexusError.invalid("Unknown role '\(role)' in '\(param).role'.", param: "\(param).role")
        }
    }

    /// Message content: a string, null, or an array of typed parts.
    static func contentParts(_ v: JSONValue?, param: String) throws(PlexusError) -> [IR.Part] {
        try JSONInput.content(v, param: param) { (item, path) throws(PlexusError) in try contentPart(item, param: path)
        }
    }

    static func contentPart(_ item: JSONValue, param: String) throws(PlexusError) -> IR.Part {
        switch item["type"]?.stringValue {
        case "text", "input_text": return .text(IR.Text(item["text"]?.stringValue ?? ""))
        case "refusal": return .text(IR.Text(item["refusal"]?.stringValue ?? ""))
        case "image_url":
            let img = item["image_url"]
            guard let url = img?.stringValue ?? img?["url"]?.stringValue else {
                throw PlexusError.invalid("'\(param).image_url.url' is required.", param: "\(param).image_url.url")
            }
            return .image(IR.Media(source: source(url: url), detail: img?["detail"]?.stringValue))
        case "input_audio":
            let a = item["input_audio"]
            let format = a?["format"]?.stringValue ?? "wav"
            return .file(IR.Media(source: .base64(mediaType: "audio/\(format)", data: a?["data"]?.stringValue ?? "")))
        case "file":
            let f = item["file"]
            if let data = f?["file_data"]?.stringValue {
                let src: IR.MediaSource =
                    MediaHelpers.parseDataURL(data).map { .base64(mediaType: $0.mediaType, data: $0.data) }
                    ?? .base64(mediaType: "application/pdf", data: data)
                return MediaHelpers.part(for: IR.Media(source: src, title: f?["filename"]?.stringValue))
            }
            return .opaque(IR.Opaque(origin: .chat, value: item))  // file_id: only OpenAI can resolve it
        default:
            return .opaque(IR.Opaque(origin: .chat, value: item))
        }
    }

    static func source(url: String) -> IR.MediaSource {
        if let d = MediaHelpers.parseDataURL(url) { return .base64(mediaType: d.mediaType, data: d.data) }
        return .url(url, mediaType: MediaHelpers.guessMediaType(url: url))
    }

    /// Assistant turn: thinking first (its position among other parts is not recorded by OpenAI), then text, then calls.
    static func assistantParts(_ m: JSONValue, param: String) throws(PlexusError) -> [IR.Part] {
        var parts = thinkingParts(m)
        for p in try contentParts(m["content"], param: "\(param).content") {
            if case .text(let t) = p, t.text.isEmpty { continue }
            parts.append(p)
        }
        if let refusal = m["refusal"]?.stringValue, !refusal.isEmpty { parts.append(.text(IR.Text(refusal))) }
        for (k, c) in (m["tool_calls"]?.arrayValue ?? []).enumerated() {
            let fn = c["function"]
            let sig = SignatureTag.decodeSignature(
                c["extra_content"]?["google"]?["thought_signature"]?.stringValue, native: .gemini)
            let args = fn?["arguments"]
            let argText = args?.stringValue ?? args.map { $0.jsonString } ?? "{}"
            parts.append(
                .toolCall(
                    IR.ToolCall(
                        id: c["id"]?.stringValue ?? "call_\(k)", name: fn?["name"]?.stringValue ?? "",
                        arguments: argText, signature: sig)))
        }
        if let fc = m["function_call"], case .object = fc {
            let name = fc["name"]?.stringValue ?? ""
            parts.append(.toolCall(IR.ToolCall(id: name, name: name, arguments: fc["arguments"]?.stringValue ?? "{}")))
        }
        return parts
    }

    /// `thinking_blocks` when present (they carry signatures), else `reasoning_content`/`reasoning` text.
    /// Blocks that hold only signatures (a Gemini signature after unsigned thoughts) keep the text before them.
    static func thinkingParts(_ m: JSONValue) -> [IR.Part] {
        let text = m["reasoning_content"]?.stringValue ?? m["reasoning"]?.stringValue ?? ""
        let unsigned: [IR.Part] = text.isEmpty ? [] : [.thinking(IR.Thinking(text))]
        guard let blocks = m["thinking_blocks"]?.arrayValue, !blocks.isEmpty else { return unsigned }
        let signatureOnly = blocks.allSatisfy {
            $0["type"]?.stringValue == "thinking" && ($0["thinking"]?.stringValue ?? "").isEmpty
        }
        return (signatureOnly ? unsigned : []) + blocks.compactMap(thinkingBlock)
    }

    /// One LiteLLM-style thinking block; untagged signatures are Anthropic's.
    static func thinkingBlock(_ b: JSONValue) -> IR.Part? {
        switch b["type"]?.stringValue {
        case "redacted_thinking":
            guard let data = b["data"]?.stringValue else { return nil }
            return .redactedThinking(IR.RedactedThinking(data: data))
        default:
            let text = b["thinking"]?.stringValue ?? ""
            switch SignatureTag.decode(b["signature"]?.stringValue, native: .messages) {
            case .redacted(let r)?: return .redactedThinking(r)
            case .signature(let s)?: return .thinking(IR.Thinking(text, signature: s))
            case nil: return text.isEmpty ? nil : .thinking(IR.Thinking(text))
            }
        }
    }
}
