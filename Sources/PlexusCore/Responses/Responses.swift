/// OpenAI Responses (`/v1/responses`): request, response, stream and error codecs.
///
/// What does not map one to one, and why, is listed in `docs/translation-responses.md`. The two representation
/// choices that the rest of the gateway sees:
/// - A `reasoning` item is an IR thinking part whose signature is minted by `.responses` and packs the item's id
///   with its `encrypted_content` (`Responses+Reasoning.swift`); every other protocol carries that value as an
///   opaque tagged signature, so a client of any protocol that resends its turn gets both back to the upstream.
/// - `function_call` and `message` item ids ride in `IR.ToolCall.itemID` / `IR.Text.itemID`; the call's
///   `call_id` is the IR tool call id.
public enum Responses {
    /// The wire name of a stop reason: the `status` of a finished response, or its `incomplete_details.reason`.
    static func statusName(_ reason: IR.StopReason) -> String {
        switch reason {
        case .endTurn, .stopSequence, .toolUse, .paused: "completed"
        case .maxTokens: "max_output_tokens"
        case .refusal: "content_filter"
        }
    }

    /// `incomplete_details.reason` for a stop reason, nil when the response is `completed`.
    static func incompleteReason(_ reason: IR.StopReason) -> String? {
        switch reason {
        case .endTurn, .stopSequence, .toolUse, .paused: nil
        case .maxTokens: "max_output_tokens"
        case .refusal: "content_filter"
        }
    }

    /// The stop reason of a finished response; nil while it is not finished (`queued`, `in_progress`) or failed.
    /// A `refusal` content part is a refusal, as Chat's `message.refusal` is.
    static func stopReason(status: String?, incompleteReason: String?, sawCall: Bool, sawRefusal: Bool) -> IR
        .StopReason?
    {
        switch status {
        case "incomplete":
            return incompleteReason == "content_filter" ? .refusal : .maxTokens
        case "completed", nil:
            if sawRefusal { return .refusal }
            return sawCall ? .toolUse : .endTurn
        case "cancelled":
            return .endTurn
        default:
            return nil
        }
    }

    /// Reads Responses usage: `input_tokens` includes cached (and cache-write) tokens, `output_tokens` reasoning.
    static func usage(_ u: JSONValue?) -> IR.Usage? {
        guard let u, case .object = u else { return nil }
        let input = u["input_tokens"]?.looseInt ?? 0
        let cached = min(input, u["input_tokens_details"]?["cached_tokens"]?.looseInt ?? 0)
        let written = min(input - cached, u["input_tokens_details"]?["cache_write_tokens"]?.looseInt ?? 0)
        let output = u["output_tokens"]?.looseInt ?? 0
        let reasoning = min(output, u["output_tokens_details"]?["reasoning_tokens"]?.looseInt ?? 0)
        return IR.Usage(
            input: input - cached - written, cacheRead: cached, cacheWrite: written, output: output - reasoning,
            reasoning: reasoning)
    }

    /// Writes Responses usage from the IR split (every kind has its field).
    static func usageJSON(_ u: IR.Usage) -> JSONValue {
        var o = JSONObject()
        o["input_tokens"] = .number(Double(u.promptTotal))
        o["input_tokens_details"] = [
            "cached_tokens": .number(Double(u.cacheRead)), "cache_write_tokens": .number(Double(u.cacheWrite)),
        ]
        o["output_tokens"] = .number(Double(u.completionTotal))
        o["output_tokens_details"] = ["reasoning_tokens": .number(Double(u.reasoning))]
        o["total_tokens"] = .number(Double(u.total))
        return .object(o)
    }

    /// The `resp_…` id a Responses client sees for an answer whose IR id is `id`: kept when it already is one,
    /// else derived from it deterministically (`chatcmpl-x` → `resp_chatcmpl-x`). A server that keeps its own ids
    /// sets `IR.Response.id` (or `StreamEncoder`'s `responseID`) to a `resp_…` value, which is used as it is.
    public static func responseID(from id: String) -> String {
        if id.hasPrefix("resp_") { return id }
        return "resp_" + (id.isEmpty ? "plexus" : ToolIDs.anthropicSafe(id))
    }

    /// The id of output item `index` (`msg_…`, `rs_…`, `fc_…`) of response `responseID`, when the upstream gave none.
    static func itemID(_ prefix: String, responseID: String, index: Int) -> String {
        let base = responseID.hasPrefix("resp_") ? responseID.dropFirst(5) : Substring(responseID)
        return "\(prefix)_\(base)_\(index)"
    }
}
