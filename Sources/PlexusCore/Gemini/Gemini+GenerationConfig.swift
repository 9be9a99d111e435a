extension Gemini.RequestEncoder {
    static func generationConfig(_ r: IR.Request) throws(PlexusError) -> JSONObject {
        var c = JSONObject()
        c.set("maxOutputTokens", r.maxOutputTokens)
        c.set("temperature", r.temperature)
        c.set("topP", r.topP)
        c.set("topK", r.topK)
        if !r.stopSequences.isEmpty { c["stopSequences"] = .array(r.stopSequences.map { .string($0) }) }
        if let n = r.candidateCount, n > 1 { throw PlexusError.unsupported("n", target: .gemini, detail: "n > 1") }
        c.set("seed", r.seed)
        c.set("presencePenalty", r.presencePenalty)
        c.set("frequencyPenalty", r.frequencyPenalty)
        switch r.responseFormat {
        case .jsonObject?:
            c["responseMimeType"] = "application/json"
        case .jsonSchema(_, let schema, _, _)?:
            c["responseMimeType"] = "application/json"
            c["responseJsonSchema"] = schema
        case .text?, nil:
            break
        }
        c.set("thinkingConfig", thinkingConfig(r.reasoning))
        if case .object(let extra)? = r.extensions.fields(for: .gemini)["generationConfig"] { c.merge(missing: extra) }
        return c
    }

    static func thinkingConfig(_ reasoning: IR.Reasoning?) -> JSONValue? {
        guard let reasoning else { return nil }
        var t = JSONObject()
        let budget: Int
        switch reasoning.mode {
        case .dynamic: budget = -1
        case .disabled, .effort, .budget: budget = reasoning.budget ?? 0
        }
        t["thinkingBudget"] = .number(Double(budget))
        // Clients of other protocols that ask for reasoning see it (as thinking blocks / reasoning_content); one that
        // said no is written out, as the decoder reads an absent flag as yes.
        let include = reasoning.includeThoughts ?? (budget != 0)
        if budget != 0 && (include || reasoning.includeThoughts == false) { t["includeThoughts"] = .bool(include) }
        return .object(t)
    }
}
