extension Anthropic {
    /// Decodes a Messages response body.
    public enum ResponseDecoder {
        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Response {
            let o = try OpenAI.upstreamObject(body)
            if o["type"]?.stringValue == "error" { throw ErrorCodec.decode(status: 200, json: JSONValue.object(o)) }
            var parts: [IR.Part]
            do {
                parts = try RequestDecoder.blocks(o["content"], param: "content")
            } catch {
                throw PlexusError(.upstream, "Unreadable upstream response: \(error.message)")
            }
            parts = parts.filter { if case .text(let t) = $0 { !t.text.isEmpty } else { true } }
            return IR.Response(
                id: o["id"]?.stringValue ?? "", model: o["model"]?.stringValue ?? "", parts: parts,
                stopReason: o["stop_reason"]?.stringValue.map(stopReason),
                stopSequence: o["stop_sequence"]?.stringValue, usage: usage(o["usage"]))
        }
    }

    /// Encodes a Messages response body for an Anthropic client.
    public enum ResponseEncoder {
        public static func encode(_ r: IR.Response, model: String) -> JSONObject {
            var content: [JSONValue] = []
            for p in r.parts { content.append(contentsOf: blocks(p)) }
            let hasTool = r.parts.contains { if case .toolCall = $0 { true } else { false } }
            var o = JSONObject.make([
                "id": .string(r.id.isEmpty ? "msg_plexus" : r.id), "type": "message", "role": "assistant",
            ])
            o["model"] = .string(model)
            o["content"] = .array(content)
            let reason = r.stopReason ?? (hasTool ? .toolUse : .endTurn)
            o["stop_reason"] = .string(stopReasonName(reason))
            o["stop_sequence"] = reason == .stopSequence ? r.stopSequence.map { .string($0) } ?? .null : .null
            o["usage"] = usageJSON(r.usage ?? IR.Usage())
            return o
        }

        /// A response part as client-facing blocks; a foreign signature on a tool call rides in an empty thinking block.
        static func blocks(_ p: IR.Part) -> [JSONValue] {
            switch p {
            case .text(let t):
                return t.text.isEmpty ? [] : [["type": "text", "text": .string(t.text)]]
            case .thinking(let t):
                return [thinkingBlock(t.text, t.signature)]
            case .redactedThinking(let r):
                return [["type": "redacted_thinking", "data": .string(r.data)]]
            case .toolCall(let c):
                let use: JSONValue = [
                    "type": "tool_use", "id": .string(c.id), "name": .string(c.name),
                    "input": ToolArguments.object(from: c.arguments),
                ]
                guard let sig = c.signature else { return [use] }
                return [thinkingBlock("", sig), use]
            case .opaque(let o):
                return o.origin == .messages ? [o.value] : []
            case .image, .document, .file, .toolResult:
                return []  // Anthropic answers carry no media
            }
        }

        static func thinkingBlock(_ text: String, _ sig: IR.Signature?) -> JSONValue {
            let s = sig.map { SignatureTag.encode($0, native: .messages) } ?? ""
            return ["type": "thinking", "thinking": .string(text), "signature": .string(s)]
        }
    }
}
