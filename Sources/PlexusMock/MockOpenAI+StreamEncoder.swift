import PlexusCore

extension MockOpenAI {
    /// Chat Completions stream: role chunk, content / reasoning / tool-call deltas, the finish chunk,
    /// the usage chunk when `stream_options.include_usage` asked for it, then `[DONE]`.
    ///
    /// The role rides on the first tool-call chunk when the answer starts with a call, as OpenAI does.
    struct StreamEncoder: MockStreamEncoding {
        private let script: MockScript
        private let includeUsage: Bool
        /// Every chunk starts with the same bytes up to the delta; built once.
        private let prefix: [UInt8]
        private let suffixOpen: [UInt8]
        private var roleSent = false

        init(script: MockScript, includeUsage: Bool) {
            self.script = script
            self.includeUsage = includeUsage
            var p: [UInt8] = []
            p.append("{\"id\":")
            p.appendJSONString(MockOpenAI.responseID(script))
            p.append(",\"object\":\"chat.completion.chunk\",\"created\":")
            p.appendInt(MockConstants.created)
            p.append(",\"model\":")
            p.appendJSONString(script.model)
            p.append(",\"service_tier\":\"default\",\"system_fingerprint\":")
            p.appendJSONString(MockConstants.fingerprint)
            prefix = p
            suffixOpen = Array(",\"logprobs\":null,\"finish_reason\":".utf8)
        }

        mutating func encode(_ event: MockEvent) -> [MockFrame] {
            switch event {
            case .start, .thinkingSignature, .redactedThinking:
                return []
            case .thinking(let text, let tokens):
                return roleChunk() + [chunk(delta: field("reasoning_content", text), tokens: tokens)]
            case .text(let text, let tokens):
                return roleChunk() + [chunk(delta: field("content", text), tokens: tokens)]
            case .toolCall(let index, let call):
                return toolCallChunks(index: index, call: call)
            case .finish:
                var frames = roleChunk()
                frames.append(chunk(delta: Array("{}".utf8), finish: MockOpenAI.finishReason(script.stop)))
                if includeUsage { frames.append(usageChunk()) }
                frames.append(MockFrame(data: Array("[DONE]".utf8)))
                return frames
            case .error(let error):
                return [MockFrame(data: error.body(for: .chat)), MockFrame(data: Array("[DONE]".utf8))]
            }
        }

        private mutating func roleChunk() -> [MockFrame] {
            if roleSent { return [] }
            roleSent = true
            return [chunk(delta: Array("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}".utf8))]
        }

        private mutating func toolCallChunks(index: Int, call: MockToolCall) -> [MockFrame] {
            var head = JSONObject()
            if !roleSent {
                roleSent = true
                head["role"] = "assistant"
                head["content"] = .null
            }
            head["tool_calls"] = [
                [
                    "index": .number(Double(index)), "id": .string(call.id), "type": "function",
                    "function": ["name": .string(call.name), "arguments": ""],
                ]
            ]
            if head["role"] != nil { head["refusal"] = .null }
            var frames = [chunk(delta: JSONValue.object(head).serialized(), tokens: 1)]
            for fragment in call.argumentFragments {
                let delta: JSONValue = [
                    "tool_calls": [
                        [
                            "index": .number(Double(index)),
                            "function": ["arguments": .string(fragment)],
                        ]
                    ]
                ]
                frames.append(chunk(delta: delta.serialized(), tokens: max(1, call.tokens / 3)))
            }
            return frames
        }

        private func field(_ name: StaticString, _ value: String) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "\"")]
            out.append(name)
            out.append("\":")
            out.appendJSONString(value)
            out.append(UInt8(ascii: "}"))
            return out
        }

        private func chunk(delta: [UInt8], finish: String? = nil, tokens: Int = 0) -> MockFrame {
            var out = prefix
            out.reserveCapacity(prefix.count + delta.count + 80)
            out.append(",\"choices\":[{\"index\":0,\"delta\":")
            out.append(contentsOf: delta)
            out.append(contentsOf: suffixOpen)
            if let finish { out.appendJSONString(finish) } else { out.append("null") }
            out.append("}]")
            if includeUsage { out.append(",\"usage\":null") }
            out.append(UInt8(ascii: "}"))
            return MockFrame(data: out, tokens: tokens)
        }

        private func usageChunk() -> MockFrame {
            var out = prefix
            out.append(",\"choices\":[],\"usage\":")
            out.append(contentsOf: MockOpenAI.usage(script).serialized())
            out.append(UInt8(ascii: "}"))
            return MockFrame(data: out)
        }
    }
}
