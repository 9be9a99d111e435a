import PlexusCore

/// Essentials read straight from a captured provider payload, independently of the decoders, using the tables of
/// TRANSLATION.md.
enum RawExpectations {
    static func int(_ v: JSONValue?) -> Int { v?.intValue ?? 0 }

    // MARK: usage tables

    static func openAIUsage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let cached = int(u["prompt_tokens_details"]?["cached_tokens"])
        let reasoning = int(u["completion_tokens_details"]?["reasoning_tokens"])
        return IR.Usage(
            input: int(u["prompt_tokens"]) - cached, cacheRead: cached,
            output: int(u["completion_tokens"]) - reasoning, reasoning: reasoning)
    }

    static func anthropicUsage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let thinking = int(u["output_tokens_details"]?["thinking_tokens"])
        return IR.Usage(
            input: int(u["input_tokens"]), cacheRead: int(u["cache_read_input_tokens"]),
            cacheWrite: int(u["cache_creation_input_tokens"]), output: int(u["output_tokens"]) - thinking,
            reasoning: thinking)
    }

    static func geminiUsage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let cached = int(u["cachedContentTokenCount"])
        return IR.Usage(
            input: int(u["promptTokenCount"]) - cached, cacheRead: cached,
            output: int(u["candidatesTokenCount"]), reasoning: int(u["thoughtsTokenCount"]))
    }

    /// Responses: `input_tokens` includes cached and cache-write tokens, `output_tokens` reasoning tokens.
    static func responsesUsage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let cached = int(u["input_tokens_details"]?["cached_tokens"])
        let written = int(u["input_tokens_details"]?["cache_write_tokens"])
        let reasoning = int(u["output_tokens_details"]?["reasoning_tokens"])
        return IR.Usage(
            input: int(u["input_tokens"]) - cached - written, cacheRead: cached, cacheWrite: written,
            output: int(u["output_tokens"]) - reasoning, reasoning: reasoning)
    }

    // MARK: stop reason tables

    static func openAIStop(_ s: String?) -> IR.StopReason? {
        switch s {
        case "stop": .endTurn
        case "length": .maxTokens
        case "tool_calls": .toolUse
        case "content_filter": .refusal
        default: nil
        }
    }

    static func anthropicStop(_ s: String?) -> IR.StopReason? {
        switch s {
        case "end_turn": .endTurn
        case "max_tokens": .maxTokens
        case "stop_sequence": .stopSequence
        case "tool_use": .toolUse
        case "refusal": .refusal
        case "pause_turn": .paused
        default: nil
        }
    }

    static func geminiStop(_ s: String?, hasCalls: Bool) -> IR.StopReason? {
        switch s {
        case "STOP": hasCalls ? .toolUse : .endTurn
        case "MAX_TOKENS": .maxTokens
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII": .refusal
        default: nil
        }
    }

    /// Responses: `completed` (a call makes it tool use, a refusal part a refusal) or `incomplete` with its reason.
    static func responsesStop(_ response: JSONValue?, hasCalls: Bool, hasRefusal: Bool) -> IR.StopReason? {
        switch response?["status"]?.stringValue {
        case "completed": hasRefusal ? .refusal : hasCalls ? .toolUse : .endTurn
        case "incomplete":
            response?["incomplete_details"]?["reason"]?.stringValue == "content_filter" ? .refusal : .maxTokens
        default: nil
        }
    }

    /// Essentials of Responses output items; a reasoning item's id and encrypted content are one signature.
    static func responsesItem(_ item: JSONValue, into e: inout Essentials) -> Bool {
        var refusal = false
        switch item["type"]?.stringValue {
        case "message":
            for c in item["content"]?.arrayValue ?? [] {
                e.text += c["text"]?.stringValue ?? c["refusal"]?.stringValue ?? ""
                refusal = refusal || c["type"]?.stringValue == "refusal"
            }
        case "reasoning":
            e.thinking += (item["summary"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(
                separator: "\n\n")
            let id = item["id"]?.stringValue ?? ""
            let enc = item["encrypted_content"]?.stringValue ?? ""
            if !enc.isEmpty { e.signatures.append("responses:\(id):\(enc)") }
        case "function_call":
            e.calls.append(
                .init(
                    id: item["call_id"]?.stringValue, name: item["name"]?.stringValue ?? "",
                    arguments: Essentials.args(item["arguments"]?.stringValue ?? "")))
        default: break
        }
        return refusal
    }

    // MARK: unary

    static func unary(_ f: Fixture) -> Essentials {
        let j = f.json
        var e = Essentials()
        switch f.proto {
        case .responses:
            var refusal = false
            for item in j["output"]?.arrayValue ?? [] { refusal = responsesItem(item, into: &e) || refusal }
            e.usage = responsesUsage(j["usage"])
            e.stop = responsesStop(j, hasCalls: !e.calls.isEmpty, hasRefusal: refusal)
        case .chat, .embeddings:
            let m = j["choices"]?.at(0)?["message"]
            e.text = m?["content"]?.stringValue ?? ""
            e.thinking = m?["reasoning_content"]?.stringValue ?? ""
            e.calls = (m?["tool_calls"]?.arrayValue ?? []).map {
                .init(
                    id: $0["id"]?.stringValue, name: $0["function"]?["name"]?.stringValue ?? "",
                    arguments: Essentials.args($0["function"]?["arguments"]?.stringValue ?? ""))
            }
            e.usage = openAIUsage(j["usage"])
            e.stop = openAIStop(j["choices"]?.at(0)?["finish_reason"]?.stringValue)
        case .messages:
            for b in j["content"]?.arrayValue ?? [] { anthropicBlock(b, into: &e) }
            e.usage = anthropicUsage(j["usage"])
            e.stop = anthropicStop(j["stop_reason"]?.stringValue)
        case .gemini:
            for p in j["candidates"]?.at(0)?["content"]?["parts"]?.arrayValue ?? [] {
                geminiPart(p, into: &e, callIndex: e.calls.count, responseID: j["responseId"]?.stringValue ?? "")
            }
            e.usage = geminiUsage(j["usageMetadata"])
            e.stop = geminiStop(j["candidates"]?.at(0)?["finishReason"]?.stringValue, hasCalls: !e.calls.isEmpty)
        }
        e.signatures.sort()
        return e
    }

    static func anthropicBlock(_ b: JSONValue, into e: inout Essentials) {
        switch b["type"]?.stringValue {
        case "text": e.text += b["text"]?.stringValue ?? ""
        case "thinking":
            e.thinking += b["thinking"]?.stringValue ?? ""
            if let s = b["signature"]?.stringValue, !s.isEmpty { e.signatures.append("messages:" + s) }
        case "redacted_thinking": e.redacted.append(b["data"]?.stringValue ?? "")
        case "tool_use":
            e.calls.append(
                .init(
                    id: b["id"]?.stringValue, name: b["name"]?.stringValue ?? "",
                    arguments: b["input"] ?? .object(JSONObject())))
        default: break
        }
    }

    static func geminiPart(_ p: JSONValue, into e: inout Essentials, callIndex: Int, responseID: String) {
        if let s = p["thoughtSignature"]?.stringValue { e.signatures.append("gemini:" + s) }
        if let c = p["functionCall"] {
            e.calls.append(
                .init(
                    id: c["id"]?.stringValue ?? "call_\(responseID)_\(callIndex)", name: c["name"]?.stringValue ?? "",
                    arguments: c["args"] ?? .object(JSONObject())))
        } else if p["thought"]?.boolValue == true {
            e.thinking += p["text"]?.stringValue ?? ""
        } else {
            e.text += p["text"]?.stringValue ?? ""
        }
    }
}
