import PlexusCore

extension MockGemini {
    /// Gemini stream: every event a whole `GenerateContentResponse`; thoughts first, the signature on the
    /// first part after them, each function call whole; the last event carries `finishReason` and full usage.
    ///
    /// One response is held back so that `finishReason` can ride on the last content event, as Google does.
    struct StreamEncoder: MockStreamEncoding {
        private let script: MockScript
        private var pending: (part: JSONValue, tokens: Int)?
        private var signature: String?

        init(script: MockScript) {
            self.script = script
        }

        mutating func encode(_ event: MockEvent) -> [MockFrame] {
            switch event {
            case .start, .redactedThinking:
                return []
            case .thinking(let text, let tokens):
                return hold(["text": .string(text), "thought": true], tokens: tokens)
            case .thinkingSignature(let value):
                signature = value
                return []
            case .text(let text, let tokens):
                return hold(MockGemini.textPart(text, signature: takeSignature()), tokens: tokens)
            case .toolCall(_, let call):
                return hold(
                    MockGemini.callPart(call, signature: call.signature ?? takeSignature()), tokens: call.tokens)
            case .finish:
                let last = pending ?? (MockGemini.textPart("", signature: takeSignature()), 0)
                pending = nil
                return [frame(last.part, tokens: last.tokens, final: true)]
            case .error(let error):
                pending = nil
                return [MockFrame(data: error.body(for: .gemini))]
            }
        }

        private mutating func takeSignature() -> String? {
            defer { signature = nil }
            return signature
        }

        /// Releases the held response and holds the new one.
        private mutating func hold(_ part: JSONValue, tokens: Int) -> [MockFrame] {
            let released = pending.map { [frame($0.part, tokens: $0.tokens, final: false)] } ?? []
            pending = (part, tokens)
            return released
        }

        private func frame(_ part: JSONValue, tokens: Int, final: Bool) -> MockFrame {
            MockFrame(data: MockGemini.response(script, parts: [part], final: final).serialized(), tokens: tokens)
        }
    }
}
