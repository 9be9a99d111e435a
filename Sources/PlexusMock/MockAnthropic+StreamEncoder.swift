import PlexusCore

extension MockAnthropic {
    /// Messages stream: `message_start`, per block `content_block_start` / `_delta` / `_stop` with
    /// contiguous indices, a `ping` after the first block start, `message_delta`, `message_stop`.
    struct StreamEncoder: MockStreamEncoding {
        /// The block being streamed, if any.
        private enum OpenBlock { case thinking, text, other }

        private let script: MockScript
        private let ping: Bool
        private var open: OpenBlock?
        private var nextIndex = 0
        private var pinged = false

        init(script: MockScript, ping: Bool) {
            self.script = script
            self.ping = ping
        }

        mutating func encode(_ event: MockEvent) -> [MockFrame] {
            switch event {
            case .start:
                let message: JSONValue = [
                    "id": .string(MockAnthropic.responseID(script)), "type": "message", "role": "assistant",
                    "model": .string(script.model), "content": [], "stop_reason": nil, "stop_sequence": nil,
                    "usage": MockAnthropic.usage(script, output: 1),
                ]
                return [frame("message_start", ["type": "message_start", "message": message])]
            case .thinking(let text, let tokens):
                var frames = openBlock(.thinking, ["type": "thinking", "thinking": "", "signature": ""])
                frames.append(delta(["type": "thinking_delta", "thinking": .string(text)], tokens: tokens))
                return frames
            case .thinkingSignature(let signature):
                return [delta(["type": "signature_delta", "signature": .string(signature)])] + closeBlock()
            case .redactedThinking(let data):
                return closeBlock() + startBlock(["type": "redacted_thinking", "data": .string(data)], as: .other)
                    + closeBlock()
            case .text(let text, let tokens):
                return openBlock(.text, ["type": "text", "text": ""]) + [textDelta(text, tokens: tokens)]
            case .toolCall(_, let call):
                return toolUse(call)
            case .finish:
                return closeBlock() + finish()
            case .error(let error):
                return [MockFrame(event: "error", data: error.body(for: .messages))]
            }
        }

        private mutating func openBlock(_ kind: OpenBlock, _ block: JSONValue) -> [MockFrame] {
            if open == kind { return [] }
            return closeBlock() + startBlock(block, as: kind)
        }

        private mutating func startBlock(_ block: JSONValue, as kind: OpenBlock) -> [MockFrame] {
            open = kind
            var frames = [
                frame(
                    "content_block_start",
                    [
                        "type": "content_block_start",
                        "index": .number(Double(nextIndex)), "content_block": block,
                    ])
            ]
            if ping, !pinged {
                pinged = true
                frames.append(MockFrame(event: "ping", data: Array("{\"type\": \"ping\"}".utf8)))
            }
            return frames
        }

        private mutating func closeBlock() -> [MockFrame] {
            guard open != nil else { return [] }
            open = nil
            let index = nextIndex
            nextIndex += 1
            return [frame("content_block_stop", ["type": "content_block_stop", "index": .number(Double(index))])]
        }

        private mutating func toolUse(_ call: MockToolCall) -> [MockFrame] {
            var frames = closeBlock()
            frames += startBlock(
                ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": [:]],
                as: .other)
            for fragment in call.argumentFragments {
                frames.append(
                    delta(
                        ["type": "input_json_delta", "partial_json": .string(fragment)],
                        tokens: max(1, call.tokens / 3)))
            }
            return frames + closeBlock()
        }

        private func finish() -> [MockFrame] {
            let usage: JSONValue = [
                "input_tokens": .number(Double(script.usage.input)), "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": .number(Double(script.usage.output + script.usage.reasoning)),
            ]
            return [
                frame(
                    "message_delta",
                    [
                        "type": "message_delta",
                        "delta": [
                            "stop_reason": .string(MockAnthropic.stopReason(script.stop)),
                            "stop_sequence": nil,
                        ],
                        "usage": usage,
                    ]),
                frame("message_stop", ["type": "message_stop"]),
            ]
        }

        private func delta(_ delta: JSONValue, tokens: Int = 0) -> MockFrame {
            var f = frame(
                "content_block_delta",
                [
                    "type": "content_block_delta",
                    "index": .number(Double(nextIndex)), "delta": delta,
                ])
            f.tokens = tokens
            return f
        }

        /// Text deltas are the hot path: written without building a tree.
        private func textDelta(_ text: String, tokens: Int) -> MockFrame {
            var out: [UInt8] = []
            out.reserveCapacity(96 + text.utf8.count)
            out.append("{\"type\":\"content_block_delta\",\"index\":")
            out.appendInt(nextIndex)
            out.append(",\"delta\":{\"type\":\"text_delta\",\"text\":")
            out.appendJSONString(text)
            out.append("}}")
            return MockFrame(event: "content_block_delta", data: out, tokens: tokens)
        }

        private func frame(_ name: String, _ data: JSONValue) -> MockFrame {
            MockFrame(event: name, data: data.serialized())
        }
    }
}
