import PlexusCore

/// Anthropic Messages as the mock speaks it: request decoding, signature checks, unary bodies.
enum MockAnthropic {
    /// Reads what the mock needs from a `/v1/messages` body (`requireMaxTokens` false for count_tokens).
    static func generation(from body: JSONValue, requireMaxTokens: Bool = true) throws(PlexusError) -> MockGeneration {
        guard case .object(let o) = body else {
            throw PlexusError(.invalidRequest, "The request body must be a JSON object.")
        }
        guard let model = o["model"]?.stringValue, !model.isEmpty else {
            throw PlexusError(.invalidRequest, "model: Field required")
        }
        guard let messages = o["messages"]?.arrayValue else {
            throw PlexusError(.invalidRequest, "messages: Field required")
        }
        if requireMaxTokens, o["max_tokens"]?.intValue == nil {
            throw PlexusError(.invalidRequest, "max_tokens: Field required")
        }
        for (i, m) in messages.enumerated() {
            guard let role = m["role"]?.stringValue, role == "user" || role == "assistant" else {
                throw PlexusError(.invalidRequest, "messages.\(i).role: Input should be 'user' or 'assistant'")
            }
            guard m["content"]?.stringValue != nil || m["content"]?.arrayValue != nil else {
                throw PlexusError(.invalidRequest, "messages.\(i).content: Field required")
            }
        }
        var gen = MockGeneration(
            proto: .messages, model: model, stream: o["stream"]?.boolValue ?? false,
            inputTokens: 0, digest: 0)
        (gen.inputTokens, gen.digest) = MockTokenEstimate.scan(body)
        gen.maxTokens = o["max_tokens"]?.intValue
        gen.conversation = .anthropic(messages)
        gen.tools = (o["tools"]?.arrayValue ?? []).compactMap { tool in
            guard let name = tool["name"]?.stringValue, let schema = tool["input_schema"] else { return nil }
            return MockToolSpec(name: name, schema: schema)
        }
        return gen
    }

    /// Checks every `thinking` and `redacted_thinking` block in the history; the first bad one is the error.
    static func verifySignatures(in body: JSONValue, signer: MockSigner) -> PlexusError? {
        for (mi, message) in (body["messages"]?.arrayValue ?? []).enumerated() {
            for (bi, block) in (message["content"]?.arrayValue ?? []).enumerated() {
                let place = "messages.\(mi).content.\(bi)"
                switch block["type"]?.stringValue {
                case "thinking":
                    guard let signature = block["signature"]?.stringValue, !signature.isEmpty else {
                        return PlexusError(.invalidRequest, "\(place).thinking.signature: Field required")
                    }
                    let verdict = signer.verify(
                        signature, purpose: .anthropicThinking,
                        content: block["thinking"]?.stringValue ?? "")
                    if verdict != .valid {
                        return PlexusError(
                            .invalidRequest,
                            "\(place): Invalid `signature` in `thinking` block: '\(excerpt(signature))'")
                    }
                case "redacted_thinking":
                    let data = block["data"]?.stringValue ?? ""
                    if signer.verify(data, purpose: .anthropicRedacted, content: nil) != .valid {
                        return PlexusError(
                            .invalidRequest, "\(place): Invalid `data` in `redacted_thinking` block: '\(excerpt(data))'"
                        )
                    }
                default:
                    continue
                }
            }
        }
        return nil
    }

    /// With thinking on, the assistant turn a tool loop continues must start with its thinking block (as the real API).
    static func missingThinking(in body: JSONValue) -> PlexusError? {
        let messages = body["messages"]?.arrayValue ?? []
        guard messages.count >= 2, let last = messages.last, last["role"]?.stringValue == "user",
            (last["content"]?.arrayValue ?? []).contains(where: { $0["type"]?.stringValue == "tool_result" })
        else { return nil }
        let index = messages.count - 2
        let assistant = messages[index]
        let blocks = assistant["content"]?.arrayValue ?? []
        guard assistant["role"]?.stringValue == "assistant",
            blocks.contains(where: { $0["type"]?.stringValue == "tool_use" })
        else { return nil }
        let first = blocks.first?["type"]?.stringValue ?? "text"
        guard first != "thinking", first != "redacted_thinking" else { return nil }
        return PlexusError(
            .invalidRequest,
            "messages.\(index).content.0.type: Expected `thinking` or `redacted_thinking`, "
                + "but found `\(first)`. When `thinking` is enabled, a final `assistant` message must start with a thinking block "
                + "(preceeding the lastmost set of `tool_use` and `tool_result` blocks).")
    }

    /// The start of a signature, enough to name it in an error.
    static func excerpt(_ signature: String) -> String {
        signature.count <= 48 ? signature : String(signature.prefix(48)) + "…"
    }

    static func responseID(_ script: MockScript) -> String { "msg_01" + MockHash.token(script.seed, length: 22) }

    static func stopReason(_ stop: MockStop) -> String {
        switch stop {
        case .endTurn: "end_turn"
        case .maxTokens: "max_tokens"
        case .toolUse: "tool_use"
        }
    }

    /// Usage as in `message_start` (`output` given) and the unary body.
    static func usage(_ s: MockScript, output: Int) -> JSONValue {
        [
            "input_tokens": .number(Double(s.usage.input)), "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": ["ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0],
            "output_tokens": .number(Double(output)), "service_tier": "standard",
        ]
    }

    /// The content blocks of the answer.
    static func contentBlocks(_ s: MockScript) -> [JSONValue] {
        var blocks: [JSONValue] = []
        if !s.thinking.isEmpty {
            blocks.append([
                "type": "thinking", "thinking": .string(s.thinkingText), "signature": .string(s.signature ?? ""),
            ])
        }
        if let data = s.redactedData { blocks.append(["type": "redacted_thinking", "data": .string(data)]) }
        if !s.text.isEmpty { blocks.append(["type": "text", "text": .string(s.fullText)]) }
        for call in s.toolCalls {
            blocks.append([
                "type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.arguments,
            ])
        }
        return blocks
    }

    /// A `message` body.
    static func unaryBody(_ s: MockScript) -> [UInt8] {
        let body: JSONValue = [
            "id": .string(responseID(s)), "type": "message", "role": "assistant", "model": .string(s.model),
            "content": .array(contentBlocks(s)), "stop_reason": .string(stopReason(s.stop)), "stop_sequence": nil,
            "usage": usage(s, output: s.usage.output + s.usage.reasoning),
        ]
        return body.serialized()
    }

    /// `POST /v1/messages/count_tokens` answer.
    static func countTokensBody(_ tokens: Int) -> [UInt8] {
        (["input_tokens": .number(Double(tokens))] as JSONValue).serialized()
    }

    /// `GET /v1/models` in Anthropic form (when the request carries `anthropic-version`).
    static func modelList(_ names: [String]) -> [UInt8] {
        let data: [JSONValue] = names.map {
            [
                "type": "model", "id": .string($0), "display_name": .string(MockModels.displayName($0)),
                "created_at": .string(MockConstants.createdISO),
            ]
        }
        let body: JSONValue = [
            "data": .array(data), "has_more": false,
            "first_id": names.first.map { .string($0) } ?? nil,
            "last_id": names.last.map { .string($0) } ?? nil,
        ]
        return body.serialized()
    }
}
