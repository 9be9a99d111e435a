extension IR {
    /// Why generation stopped.
    public enum StopReason: String, Sendable, Hashable, CaseIterable {
        case endTurn, maxTokens, stopSequence, toolUse
        /// Refused or filtered (OpenAI `content_filter`, Anthropic `refusal`, Gemini `SAFETY`…).
        case refusal
        /// Anthropic `pause_turn`.
        case paused
    }

    /// Token counts split by kind; every protocol's totals are rebuilt from these.
    public struct Usage: Sendable, Hashable {
        /// Uncached prompt tokens.
        public var input: Int
        public var cacheRead: Int
        public var cacheWrite: Int
        /// Visible output tokens (includes reasoning when the provider does not split it).
        public var output: Int
        public var reasoning: Int
        /// True when any count is an estimate rather than the provider's figure.
        public var estimated: Bool

        public init(
            input: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, output: Int = 0, reasoning: Int = 0,
            estimated: Bool = false
        ) {
            self.input = input
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.output = output
            self.reasoning = reasoning
            self.estimated = estimated
        }

        /// Every prompt token, cached or not.
        public var promptTotal: Int { input + cacheRead + cacheWrite }
        /// Every generated token, visible or reasoning.
        public var completionTotal: Int { output + reasoning }
        public var total: Int { promptTotal + completionTotal }
    }

    /// A complete (unary) model answer.
    public struct Response: Sendable, Hashable {
        public var id: String
        public var model: String
        /// Unix seconds when known (OpenAI `created`).
        public var created: Int?
        public var parts: [Part]
        public var stopReason: StopReason?
        /// The stop sequence that matched, when the provider says.
        public var stopSequence: String?
        public var usage: Usage?

        public init(
            id: String, model: String, created: Int? = nil, parts: [Part] = [], stopReason: StopReason? = nil,
            stopSequence: String? = nil, usage: Usage? = nil
        ) {
            self.id = id
            self.model = model
            self.created = created
            self.parts = parts
            self.stopReason = stopReason
            self.stopSequence = stopSequence
            self.usage = usage
        }

        /// All visible text joined.
        public var text: String {
            parts.compactMap { if case .text(let t) = $0 { t.text } else { nil } }.joined()
        }

        /// The tool calls in order.
        public var toolCalls: [ToolCall] {
            parts.compactMap { if case .toolCall(let c) = $0 { c } else { nil } }
        }
    }
}

extension IR.StopReason {
    /// The name a protocol gives this stop reason on the wire (`stop`, `end_turn`, `STOP`…).
    public func wireName(in proto: APIProtocol) -> String {
        switch proto {
        case .chat, .embeddings: OpenAI.finishReason(self)
        case .responses: Responses.statusName(self)
        case .messages: Anthropic.stopReasonName(self)
        case .gemini: Gemini.finishReason(self)
        }
    }
}
