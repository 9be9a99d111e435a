extension Responses.RequestEncoder {
    /// The conversation as input items: user turns as messages, tool results as `function_call_output` items,
    /// assistant turns as their reasoning, message and `function_call` items in order.
    static func input(_ messages: [IR.Message]) throws(PlexusError) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, m) in messages.enumerated() {
            let param = "messages[\(i)]"
            switch m.role {
            case .assistant:
                try assistantItems(ContentPolicy.assistantParts(m.parts, for: .responses), param: param, into: &out)
            case .user, .tool: try userItems(m.parts, param: param, into: &out)
            }
        }
        return out
    }

    /// Tool results first (they answer the calls just before), then the rest as one user message; a Responses
    /// item kept whole (an item reference, a built-in tool's output) goes as it came.
    static func userItems(_ parts: [IR.Part], param: String, into out: inout [JSONValue]) throws(PlexusError) {
        var rest: [IR.Part] = []
        for (j, part) in parts.enumerated() {
            switch part {
            case .toolResult(let result):
                out.append(try functionCallOutput(result, param: "\(param).content[\(j)]"))
            case .opaque(let o) where o.origin == .responses && !isContentPart(o.value):
                out.append(o.value)
            default:
                rest.append(part)
            }
        }
        guard !rest.isEmpty else { return }
        if rest.count == 1, case .text(let t) = rest[0] {
            out.append(["type": "message", "role": "user", "content": .string(t.text)])
        } else {
            out.append([
                "type": "message", "role": "user", "content": .array(try contentParts(rest, param: "\(param).content")),
            ])
        }
    }

    /// Whether a kept Responses value is a content part (`input_image` by file id…) rather than a whole item.
    static func isContentPart(_ v: JSONValue) -> Bool {
        guard let type = v["type"]?.stringValue else { return false }
        return type.hasPrefix("input_") || type == "output_text" || type == "refusal"
    }

    static func functionCallOutput(_ r: IR.ToolResult, param: String) throws(PlexusError) -> JSONValue {
        let onlyText = r.content.allSatisfy { if case .text = $0 { true } else { false } }
        var output: JSONValue
        if onlyText {
            var text = r.text
            if r.isError && !text.hasPrefix("Error") { text = "Error: " + text }  // Responses has no error flag
            output = .string(text)
        } else {
            output = .array(try contentParts(r.content, param: "\(param).content"))
        }
        return ["type": "function_call_output", "call_id": .string(ToolIDs.openAISafe(r.callID)), "output": output]
    }

    /// The assistant's items in order; neighbouring texts of one message item (by its id) stay one item, texts
    /// without an id are an item each.
    static func assistantItems(_ parts: [IR.Part], param: String, into out: inout [JSONValue]) throws(PlexusError) {
        var texts: [IR.Text] = []
        func flush() {
            guard !texts.isEmpty else { return }
            out.append(assistantMessage(texts))
            texts = []
        }
        for (j, part) in parts.enumerated() {
            if case .text(let t) = part {
                if let last = texts.last, last.itemID == nil || last.itemID != t.itemID { flush() }
                if !t.text.isEmpty { texts.append(t) }
                continue
            }
            flush()
            if let item = try assistantItem(part, param: "\(param).content[\(j)]") { out.append(item) }
        }
        flush()
    }

    static func assistantMessage(_ texts: [IR.Text]) -> JSONValue {
        var o = JSONObject.make(["type": "message", "role": "assistant"])
        o.set("id", texts[0].itemID)
        o["content"] = .array(texts.map { ["type": "output_text", "text": .string($0.text), "annotations": []] })
        if texts[0].itemID != nil { o["status"] = "completed" }
        return .object(o)
    }

    static func assistantItem(_ part: IR.Part, param: String) throws(PlexusError) -> JSONValue? {
        switch part {
        case .thinking(let t):
            // The content policy left only reasoning this upstream minted (other thinking became context text).
            guard let s = t.signature, s.origin == .responses else { return nil }
            let (id, encrypted) = Responses.unpackReasoning(s.value)
            return Responses.reasoningItem(id: id, text: t.text, encrypted: encrypted)
        case .toolCall(let c):
            var o = JSONObject.make(["type": "function_call"])
            o.set("id", c.itemID)
            o["call_id"] = .string(ToolIDs.openAISafe(c.id))
            o["name"] = .string(c.name)
            o["arguments"] = .string(c.arguments)
            return .object(o)
        case .opaque(let o):
            return o.origin == .responses ? o.value : nil
        case .redactedThinking:
            return nil  // removed by the content policy
        case .text, .image, .document, .file, .toolResult:
            throw PlexusError.unsupported(
                param, target: .responses, detail: "media or tool results in an assistant turn")
        }
    }
}
