/// Google Gemini generateContent: request, response, stream and error codecs.
public enum Gemini {
    /// The value Google documents for function calls that came from another model and so carry no signature.
    public static let skipSignature = "skip_thought_signature_validator"

    static func stopReason(_ finish: String, sawCall: Bool) -> IR.StopReason {
        switch finish {
        case "MAX_TOKENS": .maxTokens
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION", "LANGUAGE":
            .refusal
        default: sawCall ? .toolUse : .endTurn
        }
    }

    static func finishReason(_ r: IR.StopReason) -> String {
        switch r {
        case .endTurn, .stopSequence, .toolUse, .paused: "STOP"
        case .maxTokens: "MAX_TOKENS"
        case .refusal: "SAFETY"
        }
    }

    /// Reads `usageMetadata`: the prompt count includes cached tokens, the candidates count excludes thoughts.
    static func usage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let prompt = (u.g("promptTokenCount")?.looseInt ?? 0) + (u.g("toolUsePromptTokenCount")?.looseInt ?? 0)
        let cached = u.g("cachedContentTokenCount")?.looseInt ?? 0
        return IR.Usage(
            input: max(0, prompt - cached), cacheRead: cached, output: u.g("candidatesTokenCount")?.looseInt ?? 0,
            reasoning: u.g("thoughtsTokenCount")?.looseInt ?? 0)
    }

    static func usageJSON(_ u: IR.Usage) -> JSONValue {
        var o = JSONObject()
        o["promptTokenCount"] = .number(Double(u.promptTotal))
        o["candidatesTokenCount"] = .number(Double(u.output))
        if u.cacheRead > 0 { o["cachedContentTokenCount"] = .number(Double(u.cacheRead)) }
        if u.reasoning > 0 { o["thoughtsTokenCount"] = .number(Double(u.reasoning)) }
        o["totalTokenCount"] = .number(Double(u.total))
        return .object(o)
    }
}
