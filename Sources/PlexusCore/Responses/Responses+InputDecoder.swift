extension Responses.RequestDecoder {
    /// `input`: a string (one user message) or a list of items. Items the model produced (reasoning, messages of
    /// the assistant, calls) gather into assistant turns; each function call output is a tool turn; system and
    /// developer messages join the system parts. Without `input` there must be a history to continue.
    static func decodeInput(_ o: JSONObject, into r: inout IR.Request) throws(PlexusError) {
        switch o["input"] {
        case .string(let s)?:
            r.messages.append(IR.Message(role: .user, parts: [.text(IR.Text(s))]))
        case .array(let items)?:
            for (i, item) in items.enumerated() { try decodeItem(item, param: "input[\(i)]", into: &r) }
        case nil, .null?:
            let continues = ["previous_response_id", "conversation", "prompt"].contains {
                o[$0] != nil && o[$0] != .null
            }
            guard continues else { throw PlexusError.invalid("'input' is required.", param: "input") }
        default:
            throw PlexusError.invalid("'input' must be a string or an array of items.", param: "input")
        }
    }

    static func decodeItem(_ item: JSONValue, param: String, into r: inout IR.Request) throws(PlexusError) {
        guard case .object = item else { throw PlexusError.invalid("'\(param)' must be an object.", param: param) }
        let type = item["type"]?.stringValue ?? (item["role"] != nil ? "message" : "")
        switch type {
        case "message":
            try message(item, param: param, into: &r)
        case "function_call":
            append(.toolCall(try functionCall(item, param: param)), role: .assistant, into: &r)
        case "function_call_output":
            let callID = try requiredString(item, "call_id", param: param)
            let content = try contentParts(item["output"], param: "\(param).output")
            r.messages.append(
                IR.Message(role: .tool, parts: [.toolResult(IR.ToolResult(callID: callID, content: content))]))
        case "reasoning":
            if let part = Responses.reasoningPart(item) { append(part, role: .assistant, into: &r) }
        case "":
            throw PlexusError.invalid("'\(param).type' is required.", param: "\(param).type")
        default:
            // Built-in tool calls, their outputs, MCP items, item references: only a Responses target reads them.
            append(
                .opaque(IR.Opaque(origin: .responses, value: item)), role: isClientItem(type) ? .user : .assistant,
                into: &r)
        }
    }

    /// Items a client writes (outputs, approvals, references) rather than the model.
    static func isClientItem(_ type: String) -> Bool {
        type.hasSuffix("_output")
            || ["mcp_approval_response", "item_reference", "compaction_trigger", "additional_tools"].contains(type)
    }

    /// Parts of the model's turn gather into one assistant message until someone else speaks.
    static func append(_ part: IR.Part, role: IR.Role, into r: inout IR.Request) {
        if role == .assistant, let last = r.messages.last, last.role == .assistant {
            r.messages[r.messages.count - 1].parts.append(part)
        } else {
            r.messages.append(IR.Message(role: role, parts: [part]))
        }
    }

    static func message(_ item: JSONValue, param: String, into r: inout IR.Request) throws(PlexusError) {
        let content = try contentParts(item["content"], param: "\(param).content")
        switch item["role"]?.stringValue {
        case "system"?, "developer"?:
            r.system.append(contentsOf: content)
        case "user"?:
            r.messages.append(IR.Message(role: .user, parts: content))
        case "assistant"?:
            let id = item["id"]?.stringValue
            for (j, part) in content.enumerated() {
                guard case .text(var t) = part else {
                    let param = "\(param).content[\(j)]"
                    throw PlexusError.invalid(
                        "'\(param)' must be output_text or refusal in an assistant message.", param: param)
                }
                t.itemID = id
                append(.text(t), role: .assistant, into: &r)
            }
        case let role:
            throw PlexusError.invalid("Unknown role '\(role ?? "")' in '\(param).role'.", param: "\(param).role")
        }
    }

    static func functionCall(_ item: JSONValue, param: String) throws(PlexusError) -> IR.ToolCall {
        let args = item["arguments"]
        return IR.ToolCall(
            id: try requiredString(item, "call_id", param: param), name: item["name"]?.stringValue ?? "",
            arguments: args?.stringValue ?? args.map { $0.jsonString } ?? "{}", itemID: item["id"]?.stringValue)
    }

    /// A call and its output pair by `call_id` alone: without one they would pair with nothing, or anything.
    static func requiredString(_ item: JSONValue, _ key: String, param: String) throws(PlexusError) -> String {
        guard let value = item[key]?.stringValue, !value.isEmpty else {
            throw PlexusError.invalid("'\(param).\(key)' is required.", param: "\(param).\(key)")
        }
        return value
    }

    /// Message content (or a call output): a string, null, or a list of typed parts.
    static func contentParts(_ v: JSONValue?, param: String) throws(PlexusError) -> [IR.Part] {
        try JSONInput.content(v, param: param) { (item, path) throws(PlexusError) in try contentPart(item, param: path)
        }
    }

    static func contentPart(_ item: JSONValue, param: String) throws(PlexusError) -> IR.Part {
        guard case .object = item else { throw PlexusError.invalid("'\(param)' must be an object.", param: param) }
        // A part without a type could only be kept whole, and a kept value without a content type goes back as an
        // item of its own, which the next reader refuses (fuzzing found one).
        guard let type = item["type"]?.stringValue else {
            throw PlexusError.invalid("'\(param).type' is required.", param: "\(param).type")
        }
        switch type {
        case "input_text", "output_text", "text":
            return .text(IR.Text(item["text"]?.stringValue ?? ""))
        case "refusal":
            return .text(IR.Text(item["refusal"]?.stringValue ?? ""))
        case "input_image":
            guard let url = item["image_url"]?.stringValue ?? item["image_url"]?["url"]?.stringValue else {
                guard item["file_id"]?.stringValue != nil else {
                    throw PlexusError.invalid("'\(param).image_url' is required.", param: "\(param).image_url")
                }
                return .opaque(IR.Opaque(origin: .responses, value: item))  // a file id only OpenAI resolves
            }
            return .image(IR.Media(source: OpenAI.RequestDecoder.source(url: url), detail: item["detail"]?.stringValue))
        case "input_file":
            return file(item)
        default:
            return .opaque(IR.Opaque(origin: .responses, value: item))
        }
    }

    /// `input_file`: inline data (a data URL) or a URL; a file id only OpenAI resolves. A file stays a file (or a
    /// document) even when its type says image, so it goes back as `input_file` (fuzzing found a Gemini file with a
    /// `.png` URL that came back as `input_image`).
    static func file(_ item: JSONValue) -> IR.Part {
        let name = item["filename"]?.stringValue
        if let data = item["file_data"]?.stringValue {
            let source: IR.MediaSource =
                MediaHelpers.parseDataURL(data).map { .base64(mediaType: $0.mediaType, data: $0.data) }
                ?? .base64(mediaType: "application/pdf", data: data)
            return notImage(MediaHelpers.part(for: IR.Media(source: source, title: name)))
        }
        if let url = item["file_url"]?.stringValue {
            let type = MediaHelpers.guessMediaType(url: url) ?? name.flatMap { MediaHelpers.guessMediaType(url: $0) }
            return notImage(MediaHelpers.part(for: IR.Media(source: .url(url, mediaType: type), title: name)))
        }
        return .opaque(IR.Opaque(origin: .responses, value: item))
    }

    static func notImage(_ part: IR.Part) -> IR.Part {
        if case .image(let media) = part { return .file(media) }
        return part
    }
}
