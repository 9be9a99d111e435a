/// Anthropic Messages: request, response, stream and error codecs.
public enum Anthropic {
    /// `max_tokens` is required by Anthropic; used when the client named none.
    public static let defaultMaxTokens = 4096

    static func stopReason(_ s: String) -> IR.StopReason {
        switch s {
        case "max_tokens", "model_context_window_exceeded": .maxTokens
        case "stop_sequence": .stopSequence
        case "tool_use": .toolUse
        case "refusal": .refusal
        case "pause_turn": .paused
        default: .endTurn
        }
    }

    static func stopReasonName(_ r: IR.StopReason) -> String {
        switch r {
        case .endTurn: "end_turn"
        case .maxTokens: "max_tokens"
        case .stopSequence: "stop_sequence"
        case .toolUse: "tool_use"
        case .refusal: "refusal"
        case .paused: "pause_turn"
        }
    }

    /// Reads Anthropic usage; `output_tokens` includes thinking, split out only when the provider reports it.
    static func usage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let output = u["output_tokens"]?.looseInt ?? 0
        let thinking = min(output, u["output_tokens_details"]?["thinking_tokens"]?.looseInt ?? 0)
        return IR.Usage(
            input: u["input_tokens"]?.looseInt ?? 0, cacheRead: u["cache_read_input_tokens"]?.looseInt ?? 0,
            cacheWrite: u["cache_creation_input_tokens"]?.looseInt ?? 0, output: output - thinking,
            reasoning: thinking)
    }

    static func usageJSON(_ u: IR.Usage) -> JSONValue {
        var o = JSONObject()
        o["input_tokens"] = .number(Double(u.input))
        o["cache_creation_input_tokens"] = .number(Double(u.cacheWrite))
        o["cache_read_input_tokens"] = .number(Double(u.cacheRead))
        o["output_tokens"] = .number(Double(u.completionTotal))
        return .object(o)
    }
}
