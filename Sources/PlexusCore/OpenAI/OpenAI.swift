/// OpenAI Chat Completions: request, response, stream and error codecs.
public enum OpenAI {
    /// `finish_reason` for a stop reason.
    static func finishReason(_ reason: IR.StopReason) -> String {
        switch reason {
        case .endTurn, .stopSequence, .paused: "stop"
        case .maxTokens: "length"
        case .toolUse: "tool_calls"
        case .refusal: "content_filter"
        }
    }

    /// Stop reason for a `finish_reason`.
    static func stopReason(_ finish: String) -> IR.StopReason {
        switch finish {
        case "length": .maxTokens
        case "tool_calls", "function_call": .toolUse
        case "content_filter": .refusal
        default: .endTurn
        }
    }

    /// Reads OpenAI usage: prompt includes cached tokens, completion includes reasoning tokens.
    static func usage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let prompt = u["prompt_tokens"]?.looseInt ?? 0
        let completion = u["completion_tokens"]?.looseInt ?? 0
        let cached =
            u["prompt_tokens_details"]?["cached_tokens"]?.looseInt ?? u["prompt_cache_hit_tokens"]?.looseInt ?? 0
        let reasoning = u["completion_tokens_details"]?["reasoning_tokens"]?.looseInt ?? 0
        return IR.Usage(
            input: max(0, prompt - cached), cacheRead: cached, output: max(0, completion - reasoning),
            reasoning: reasoning)
    }

    /// Writes OpenAI usage from the IR split.
    static func usageJSON(_ u: IR.Usage) -> JSONValue {
        var o = JSONObject()
        o["prompt_tokens"] = .number(Double(u.promptTotal))
        o["completion_tokens"] = .number(Double(u.completionTotal))
        o["total_tokens"] = .number(Double(u.total))
        o["prompt_tokens_details"] = ["cached_tokens": .number(Double(u.cacheRead))]
        o["completion_tokens_details"] = ["reasoning_tokens": .number(Double(u.reasoning))]
        return .object(o)
    }
}
