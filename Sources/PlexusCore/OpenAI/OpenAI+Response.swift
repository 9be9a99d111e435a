extension OpenAI {
    /// Decodes a `chat.completion` body.
    public enum ResponseDecoder {
        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Response {
            let o = try upstreamObject(body)
            if let err = o["error"], case .object = err {
                throw ErrorCodec.decode(status: 200, json: JSONValue.object(o))
            }
            let choice = o["choices"]?.arrayValue?.first
            let message = choice?["message"] ?? .object(JSONObject())
            var parts: [IR.Part]
            do {
                parts = try RequestDecoder.assistantParts(message, param: "choices[0].message")
            } catch {
                throw PlexusError(.upstream, "Unreadable upstream response: \(error.message)")
            }
            var stop = choice?["finish_reason"]?.stringValue.map(stopReason)
            if message["refusal"]?.stringValue?.isEmpty == false { stop = .refusal }
            if stop == .endTurn, parts.contains(where: { if case .toolCall = $0 { true } else { false } }) {
                stop = .toolUse
            }
            for (k, p) in parts.enumerated() {
                guard case .toolCall(var c) = p, c.id.isEmpty else { continue }
                c.id = ToolIDs.generated(responseID: o["id"]?.stringValue ?? "", index: k)
                parts[k] = .toolCall(c)
            }
            return IR.Response(
                id: o["id"]?.stringValue ?? "", model: o["model"]?.stringValue ?? "",
                created: o["created"]?.looseInt, parts: parts, stopReason: stop, usage: usage(o["usage"]))
        }
    }

    /// Encodes a `chat.completion` body for an OpenAI client.
    public enum ResponseEncoder {
        public static func encode(_ r: IR.Response, model: String) -> JSONObject {
            var message = JSONObject.make(["role": "assistant"])
            let fields = AssistantFields(r.parts)
            message["content"] = fields.text.isEmpty && !fields.toolCalls.isEmpty ? .null : .string(fields.text)
            if !fields.reasoning.isEmpty { message["reasoning_content"] = .string(fields.reasoning) }
            if !fields.thinkingBlocks.isEmpty { message["thinking_blocks"] = .array(fields.thinkingBlocks) }
            if !fields.toolCalls.isEmpty { message["tool_calls"] = .array(fields.toolCalls) }
            message["refusal"] = .null
            var choice = JSONObject.make(["index": 0, "message": .object(message)])
            choice["finish_reason"] = .string(
                finishReason(r.stopReason ?? (fields.toolCalls.isEmpty ? .endTurn : .toolUse)))
            choice["logprobs"] = .null
            var o = JSONObject.make(["id": .string(r.id), "object": "chat.completion"])
            o["created"] = .number(Double(r.created ?? 0))
            o["model"] = .string(model)
            o["choices"] = [.object(choice)]
            if let u = r.usage { o["usage"] = usageJSON(u) }
            return o
        }
    }

    /// The OpenAI fields of an assistant turn: text, reasoning text, LiteLLM-style thinking blocks, tool calls.
    struct AssistantFields {
        var text = ""
        var reasoning = ""
        var thinkingBlocks: [JSONValue] = []
        var toolCalls: [JSONValue] = []

        init(_ parts: [IR.Part]) {
            var hasSignature = false
            var blocks: [JSONValue] = []
            for part in parts {
                switch part {
                case .text(let t): text += t.text
                case .thinking(let t):
                    reasoning += t.text
                    hasSignature = hasSignature || t.signature != nil
                    blocks.append(OpenAI.thinkingBlock(t))
                case .redactedThinking(let r):
                    hasSignature = true
                    blocks.append(["type": "redacted_thinking", "data": .string(r.data)])
                case .toolCall(let c): toolCalls.append(OpenAI.toolCallJSON(c, index: nil))
                case .image, .document, .file, .toolResult, .opaque: break  // not expressible in an OpenAI answer
                }
            }
            // Blocks are only needed to carry signatures; unsigned reasoning travels as text alone.
            if hasSignature { thinkingBlocks = blocks }
        }
    }

    static func thinkingBlock(_ t: IR.Thinking) -> JSONValue {
        var b = JSONObject.make(["type": "thinking", "thinking": .string(t.text)])
        if let s = t.signature { b["signature"] = .string(SignatureTag.encode(s, native: .messages)) }
        return .object(b)
    }

    /// A tool call as OpenAI writes it (with `index` in streams); Gemini signatures ride in `extra_content`.
    static func toolCallJSON(_ c: IR.ToolCall, index: Int?) -> JSONValue {
        var o = JSONObject()
        o.set("index", index)
        o["id"] = .string(c.id)
        o["type"] = "function"
        o["function"] = ["name": .string(c.name), "arguments": .string(index == nil ? c.arguments : "")]
        if let s = c.signature {
            o["extra_content"] = ["google": ["thought_signature": .string(SignatureTag.encode(s, native: .gemini))]]
        }
        return .object(o)
    }

    static func upstreamObject(_ body: [UInt8]) throws(PlexusError) -> JSONObject {
        guard case .object(let o)? = try? JSONValue(parsing: body) else {
            throw PlexusError(.upstream, "The upstream sent a body that is not a JSON object.")
        }
        return o
    }
}
