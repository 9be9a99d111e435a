extension Anthropic.RequestEncoder {
    /// Turns alternate strictly: tool turns are user turns, and neighbours with the same role merge.
    static func messages(_ messages: [IR.Message]) throws(PlexusError) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for (i, m) in messages.enumerated() {
            let role = m.role == .assistant ? "assistant" : "user"
            let parts = m.role == .assistant ? ContentPolicy.assistantParts(m.parts, for: .messages) : m.parts
            var blocks: [JSONValue] = []
            for (j, p) in parts.enumerated() {
                blocks.append(contentsOf: try self.blocks(p, role: m.role, param: "messages[\(i)].content[\(j)]"))
            }
            guard !blocks.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks.append(contentsOf: blocks)
            } else {
                turns.append((role, blocks))
            }
        }
        return turns.map { turn in
            // Tool results must open a user turn.
            let ordered =
                turn.role == "user"
                ? turn.blocks.filter(isToolResult) + turn.blocks.filter { !isToolResult($0) } : turn.blocks
            return ["role": .string(turn.role), "content": .array(ordered)]
        }
    }

    static func isToolResult(_ b: JSONValue) -> Bool { b["type"]?.stringValue == "tool_result" }

    static func blocks(_ p: IR.Part, role: IR.Role, param: String) throws(PlexusError) -> [JSONValue] {
        switch p {
        case .text(let t):
            guard !t.text.isEmpty else { return [] }  // Anthropic rejects empty text blocks
            var b = JSONObject.make(["type": "text", "text": .string(t.text)])
            b.set("cache_control", t.cacheControl)
            return [.object(b)]
        case .image(let m):
            return [try media(m, type: "image", param: param)]
        case .document(let m):
            return [try media(m, type: "document", param: param)]
        case .file(let m):
            throw PlexusError.unsupported(param, target: .messages, detail: "media type \(m.mediaType ?? "unknown")")
        case .thinking(let t):
            return [["type": "thinking", "thinking": .string(t.text), "signature": .string(t.signature?.value ?? "")]]
        case .redactedThinking(let r):
            return [["type": "redacted_thinking", "data": .string(r.data)]]
        case .toolCall(let c):
            return [
                [
                    "type": "tool_use", "id": .string(ToolIDs.anthropicSafe(c.id)), "name": .string(c.name),
                    "input": ToolArguments.object(from: c.arguments),
                ]
            ]
        case .toolResult(let r):
            return [try toolResult(r, param: param)]
        case .opaque(let o):
            if o.origin == .messages { return [o.value] }
            if role == .assistant { return [] }
            try ContentPolicy.checkOpaque(p, target: .messages, param: param)
            return []
        }
    }

    static func toolResult(_ r: IR.ToolResult, param: String) throws(PlexusError) -> JSONValue {
        var b = JSONObject.make(["type": "tool_result", "tool_use_id": .string(ToolIDs.anthropicSafe(r.callID))])
        let onlyText = r.content.allSatisfy { if case .text = $0 { true } else { false } }
        if onlyText {
            b["content"] = .string(r.text)
        } else {
            var inner: [JSONValue] = []
            for (k, p) in r.content.enumerated() {
                inner.append(contentsOf: try blocks(p, role: .user, param: "\(param).content[\(k)]"))
            }
            b["content"] = .array(inner)
        }
        if r.isError { b["is_error"] = true }
        b.set("cache_control", r.cacheControl)
        return .object(b)
    }

    static func media(_ m: IR.Media, type: String, param: String) throws(PlexusError) -> JSONValue {
        let source: JSONValue
        switch m.source {
        case .base64(let mediaType, let data) where mediaType == "text/plain" && type == "document":
            let text = Base64.decodeText(data) ?? ""
            source = ["type": "text", "media_type": "text/plain", "data": .string(text)]
        case .base64(let mediaType, let data):
            source = [
                "type": "base64", "media_type": .string(mediaType), "data": .string(MediaHelpers.standardBase64(data)),
            ]
        case .url(let url, _):
            source = ["type": "url", "url": .string(url)]
        }
        var b = JSONObject.make(["type": .string(type), "source": source])
        if type == "document" { b.set("title", m.title) }
        b.set("cache_control", m.cacheControl)
        return .object(b)
    }
}
