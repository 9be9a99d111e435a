extension OpenAI.RequestEncoder {
    static func messages(_ r: IR.Request) throws(PlexusError) -> [JSONValue] {
        var out: [JSONValue] = []
        if !r.system.isEmpty {
            out.append(["role": "system", "content": try content(r.system, param: "system")])
        }
        for (i, m) in r.messages.enumerated() {
            let param = "messages[\(i)]"
            switch m.role {
            case .assistant: out.append(try assistant(m.parts, param: param))
            case .user, .tool: try userOrTool(m.parts, param: param, into: &out)
            }
        }
        return out
    }

    /// Tool results become `tool` messages first (OpenAI wants them right after the calls), then the rest as a user turn.
    static func userOrTool(_ parts: [IR.Part], param: String, into out: inout [JSONValue]) throws(PlexusError) {
        var rest: [IR.Part] = []
        for part in parts {
            guard case .toolResult(let result) = part else {
                rest.append(part)
                continue
            }
            var text = result.text
            if result.isError && !text.hasPrefix("Error") { text = "Error: " + text }
            out.append([
                "role": "tool", "tool_call_id": .string(ToolIDs.openAISafe(result.callID)), "content": .string(text),
            ])
            // Tool messages take text only; media in a result follows as a user turn rather than being dropped.
            rest.append(contentsOf: result.content.filter { if case .text = $0 { false } else { true } })
        }
        if !rest.isEmpty { out.append(["role": "user", "content": try content(rest, param: "\(param).content")]) }
    }

    static func assistant(_ parts: [IR.Part], param: String) throws(PlexusError) -> JSONValue {
        var text = ""
        var calls: [JSONValue] = []
        for part in ContentPolicy.assistantParts(parts, for: .chat) {
            switch part {
            case .text(let t):
                text += t.text
            case .toolCall(let c):
                var call = JSONObject.make([
                    "id": .string(ToolIDs.openAISafe(c.id)), "type": "function",
                    "function": ["name": .string(c.name), "arguments": .string(c.arguments)],
                ])
                if let sig = c.signature, sig.origin == .gemini {
                    call["extra_content"] = ["google": ["thought_signature": .string(sig.value)]]
                }
                calls.append(.object(call))
            case .image, .document, .file, .toolResult:
                throw PlexusError.unsupported(
                    "\(param).content", target: .chat, detail: "media or tool results in an assistant turn")
            case .thinking, .redactedThinking, .opaque:
                break  // already reduced to text or removed by the content policy
            }
        }
        var m = JSONObject.make(["role": "assistant"])
        m["content"] = text.isEmpty && !calls.isEmpty ? .null : .string(text)
        if !calls.isEmpty { m["tool_calls"] = .array(calls) }
        return .object(m)
    }

    /// A plain string when the content is one text part, else an array of typed parts.
    static func content(_ parts: [IR.Part], param: String) throws(PlexusError) -> JSONValue {
        if parts.count == 1, case .text(let t) = parts[0] { return .string(t.text) }
        var items: [JSONValue] = []
        for (j, p) in parts.enumerated() { items.append(try contentPart(p, param: "\(param)[\(j)]")) }
        return .array(items)
    }

    static func contentPart(_ p: IR.Part, param: String) throws(PlexusError) -> JSONValue {
        switch p {
        case .text(let t):
            return ["type": "text", "text": .string(t.text)]
        case .image(let m):
            var img = JSONObject.make(["url": .string(urlString(m.source))])
            img.set("detail", m.detail)
            return ["type": "image_url", "image_url": .object(img)]
        case .document(let m):
            if case .base64("text/plain", let data) = m.source, let text = Base64.decodeText(data) {
                return ["type": "text", "text": .string(text)]  // OpenAI file parts take PDFs only
            }
            guard case .base64(let type, let data) = m.source else {
                throw PlexusError.unsupported(param, target: .chat, detail: "documents by URL")
            }
            var f = JSONObject.make([
                "file_data": .string(MediaHelpers.dataURL(mediaType: type, data: MediaHelpers.standardBase64(data)))
            ])
            f["filename"] = .string(m.title ?? "document.pdf")
            return ["type": "file", "file": .object(f)]
        case .file(let m):
            guard case .base64(let type, let data) = m.source,
                type == "audio/wav" || type == "audio/mp3" || type == "audio/mpeg"
            else {
                throw PlexusError.unsupported(param, target: .chat, detail: "media type \(m.mediaType ?? "unknown")")
            }
            let format = type == "audio/wav" ? "wav" : "mp3"
            return [
                "type": "input_audio",
                "input_audio": ["data": .string(MediaHelpers.standardBase64(data)), "format": .string(format)],
            ]
        case .opaque(let o) where o.origin == .chat:
            return o.value
        case .thinking, .redactedThinking, .toolCall, .toolResult, .opaque:
            throw PlexusError.unsupported(param, target: .chat, detail: "this kind of content in a user turn")
        }
    }

    static func urlString(_ s: IR.MediaSource) -> String {
        switch s {
        case .base64(let type, let data): MediaHelpers.dataURL(mediaType: type, data: MediaHelpers.standardBase64(data))
        case .url(let url, _): url
        }
    }
}
