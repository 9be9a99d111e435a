import PlexusCore

extension MockResponses {
    /// Where a `response` object stands.
    enum Phase {
        /// `response.created` / `response.in_progress`: no output, no usage yet.
        case inProgress
        /// The finished answer (`completed`, or `incomplete` when the output cap cut it).
        case done
        /// `response.failed`, with the error it ended on.
        case failed(JSONValue)
    }

    /// `completed`, or `incomplete` with `incomplete_details.reason` when the output cap (or `stop=max_tokens`) cut it.
    static func finalStatus(_ s: MockScript) -> String { s.stop == .maxTokens ? "incomplete" : "completed" }

    /// A whole `response` object, in the captures' key order; `billing` only in unary bodies, as OpenAI sends it.
    static func response(_ s: MockScript, _ e: Echo, phase: Phase, output: [JSONValue], billing: Bool) -> JSONValue {
        var status = "in_progress"
        var error: JSONValue = .null
        var incomplete: JSONValue = .null
        var completedAt: JSONValue = .null
        var usage: JSONValue = .null
        switch phase {
        case .inProgress:
            break
        case .done:
            status = finalStatus(s)
            if status == "incomplete" {
                incomplete = ["reason": "max_output_tokens"]
            } else {
                completedAt = .number(Double(MockConstants.created + 1))
            }
            usage = self.usage(s)
        case .failed(let failure):
            status = "failed"
            error = failure
        }
        var r = JSONObject([
            ("id", .string(responseID(s))), ("object", "response"),
            ("created_at", .number(Double(MockConstants.created))),
            ("status", .string(status)), ("background", false),
        ])
        if billing { r["billing"] = ["payer": "developer"] }
        r["completed_at"] = completedAt
        r["error"] = error
        r["frequency_penalty"] = e.frequencyPenalty
        r["incomplete_details"] = incomplete
        r["instructions"] = e.instructions
        r["max_output_tokens"] = e.maxOutputTokens
        r["max_tool_calls"] = e.maxToolCalls
        r["model"] = .string(s.model)
        r["moderation"] = .null
        r["output"] = .array(output)
        r["parallel_tool_calls"] = e.parallelToolCalls
        r["presence_penalty"] = e.presencePenalty
        r["previous_response_id"] = .null
        r["prompt_cache_key"] = e.promptCacheKey
        r["prompt_cache_retention"] = e.promptCacheRetention
        let effort: JSONValue = e.reasoningEffort.isNull && !s.thinking.isEmpty ? "medium" : e.reasoningEffort
        r["reasoning"] = ["effort": effort, "summary": e.reasoningSummary]
        r["safety_identifier"] = e.safetyIdentifier
        // Like OpenAI: the tier asked for while running (`auto` by default), the one that served once done.
        if case .done = phase {
            r["service_tier"] = "default"
        } else {
            r["service_tier"] = e.serviceTier.isNull ? "auto" : e.serviceTier
        }
        r["store"] = e.store
        r["temperature"] = e.temperature
        r["text"] = e.text
        r["tool_choice"] = e.toolChoice
        r["tools"] = e.tools
        r["top_logprobs"] = e.topLogprobs
        r["top_p"] = e.topP
        r["truncation"] = e.truncation
        r["usage"] = usage
        r["user"] = e.user
        r["metadata"] = e.metadata
        return .object(r)
    }

    /// `output_tokens` includes the reasoning tokens; nothing is ever cached.
    static func usage(_ s: MockScript) -> JSONValue {
        let output = s.usage.output + s.usage.reasoning
        return [
            "input_tokens": .number(Double(s.usage.input)), "input_tokens_details": ["cached_tokens": 0],
            "output_tokens": .number(Double(output)),
            "output_tokens_details": ["reasoning_tokens": .number(Double(s.usage.reasoning))],
            "total_tokens": .number(Double(s.usage.input + output)),
        ]
    }

    /// A reasoning item: the summary only when one was asked for, the encrypted content only when `include` asked;
    /// `content` (raw reasoning text) always empty, as the newest models send it.
    static func reasoningItem(_ s: MockScript, _ e: Echo, summary: [String], encrypted: String?) -> JSONValue {
        var item = JSONObject([("id", .string(reasoningID(s))), ("type", "reasoning"), ("content", [])])
        if e.includeEncrypted, let encrypted { item["encrypted_content"] = .string(encrypted) }
        item["summary"] = .array(summary.map { ["type": "summary_text", "text": .string($0)] })
        return .object(item)
    }

    static func outputText(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    /// The assistant message; `incomplete` when the cap cut its text.
    static func messageItem(_ s: MockScript, status: String, content: [JSONValue]) -> JSONValue {
        [
            "id": .string(messageID(s)), "type": "message", "status": .string(status), "content": .array(content),
            "role": "assistant",
        ]
    }

    static func functionCallItem(_ s: MockScript, index: Int, _ call: MockToolCall, status: String, arguments: String)
        -> JSONValue
    {
        [
            "id": .string(functionCallID(s, index: index)), "type": "function_call", "status": .string(status),
            "arguments": .string(arguments), "call_id": .string(call.id), "name": .string(call.name),
        ]
    }

    /// The status of a finished message item.
    static func messageStatus(_ s: MockScript) -> String { s.stop == .maxTokens ? "incomplete" : "completed" }

    /// Every output item of the finished answer: reasoning, the message, then the function calls.
    static func outputItems(_ s: MockScript, _ e: Echo) -> [JSONValue] {
        var out: [JSONValue] = []
        if !s.thinking.isEmpty {
            out.append(reasoningItem(s, e, summary: e.wantsSummary ? [s.thinkingText] : [], encrypted: s.signature))
        }
        if !s.text.isEmpty { out.append(messageItem(s, status: messageStatus(s), content: [outputText(s.fullText)])) }
        for (i, call) in s.toolCalls.enumerated() {
            out.append(functionCallItem(s, index: i, call, status: "completed", arguments: call.argumentsText))
        }
        return out
    }

    /// A unary `response` body.
    static func unaryBody(_ s: MockScript, _ e: Echo) -> [UInt8] {
        response(s, e, phase: .done, output: outputItems(s, e), billing: true).serialized()
    }

    /// `POST /v1/responses/input_tokens`.
    static func inputTokensBody(_ tokens: Int) -> [UInt8] {
        (["object": "response.input_tokens", "input_tokens": .number(Double(tokens))] as JSONValue).serialized()
    }

    /// The `response.error` of a failed response, and the `code` of an `error` event, for an injected error.
    static func errorCode(_ error: PlexusError) -> String {
        switch error.kind {
        case .rateLimited: "rate_limit_exceeded"
        case .invalidRequest, .requestTooLarge, .notFound: "invalid_prompt"
        case .authentication, .permission, .upstream, .overloaded, .unavailable, .timeout, .internal: "server_error"
        }
    }

    /// A status error in OpenAI's shape (`fail=`, bad JSON, shape errors); `code` as OpenAI sets it where it does.
    static func errorJSON(_ error: PlexusError, code: String?) -> JSONValue {
        let fallback: String? =
            switch error.kind {
            case .notFound: "model_not_found"
            case .rateLimited: "rate_limit_exceeded"
            default: nil
            }
        return [
            "error": [
                "message": .string(error.message), "type": .string(error.kind.openAIType),
                "param": error.param.map { .string($0) } ?? .null,
                "code": (code ?? fallback).map { .string($0) } ?? .null,
            ]
        ]
    }
}
