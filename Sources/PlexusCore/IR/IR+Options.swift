extension IR {
    /// A function the model may call.
    public struct ToolDefinition: Sendable, Hashable {
        public var name: String
        public var description: String?
        /// JSON Schema of the arguments.
        public var parameters: JSONValue?
        /// OpenAI `strict`.
        public var strict: Bool?
        public var cacheControl: JSONValue?
        /// A provider built-in tool (web search, code execution) as raw JSON; only its own protocol accepts it.
        public var builtin: Opaque?

        public init(
            name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil,
            cacheControl: JSONValue? = nil, builtin: Opaque? = nil
        ) {
            self.name = name
            self.description = description
            self.parameters = parameters
            self.strict = strict
            self.cacheControl = cacheControl
            self.builtin = builtin
        }
    }

    /// Whether and which tools the model must call.
    public enum ToolChoice: Sendable, Hashable {
        case auto
        case none
        /// Must call some tool (OpenAI `required`, Anthropic `any`, Gemini `ANY`).
        case required
        /// Must call this tool.
        case tool(String)
        /// May only call these tools; `required` says it must call one of them.
        case allowed([String], required: Bool)
    }

    /// OpenAI-style reasoning effort levels.
    public enum Effort: String, Sendable, Hashable, CaseIterable {
        case minimal, low, medium, high
    }

    /// Reasoning controls.
    public struct Reasoning: Sendable, Hashable {
        /// How much to think.
        public enum Mode: Sendable, Hashable {
            case disabled
            case effort(Effort)
            case budget(Int)
            /// Provider decides (Anthropic `adaptive`, Gemini budget -1).
            case dynamic
        }

        public var mode: Mode
        /// Whether thought text should be returned (Gemini `includeThoughts`).
        public var includeThoughts: Bool?

        public init(mode: Mode, includeThoughts: Bool? = nil) {
            self.mode = mode
            self.includeThoughts = includeThoughts
        }

        /// Token budgets for each effort (TRANSLATION.md).
        public static func budget(for effort: Effort) -> Int {
            switch effort {
            case .minimal: 0
            case .low: 2048
            case .medium: 8192
            case .high: 24576
            }
        }

        /// The nearest effort for a budget; any positive budget thinks, so it is at least `low`.
        public static func effort(forBudget budget: Int) -> Effort {
            if budget <= 0 { return .minimal }
            let candidates: [Effort] = [.low, .medium, .high]
            return candidates.min { abs(Self.budget(for: $0) - budget) < abs(Self.budget(for: $1) - budget) } ?? .low
        }

        /// The effective effort of any mode (nil when the provider decides).
        public var effort: Effort? {
            switch mode {
            case .disabled: .minimal
            case .effort(let e): e
            case .budget(let b): Self.effort(forBudget: b)
            case .dynamic: nil
            }
        }

        /// The effective budget of any mode (nil when the provider decides).
        public var budget: Int? {
            switch mode {
            case .disabled: 0
            case .effort(let e): Self.budget(for: e)
            case .budget(let b): b
            case .dynamic: nil
            }
        }
    }

    /// Output format constraints.
    public enum ResponseFormat: Sendable, Hashable {
        case text
        case jsonObject
        case jsonSchema(name: String?, schema: JSONValue, strict: Bool?, description: String?)
    }
}
