import PlexusCore

/// OpenAI Chat Completions as the mock speaks it: request decoding, unary bodies, model list.
enum MockOpenAI {
    /// Reads what the mock needs from a `/v1/chat/completions` body.
    static func generation(from body: JSONValue) throws(PlexusError) -> MockGeneration {
        guard case .object(let o) = body else {
            throw PlexusError(.invalidRequest, "The request body must be a JSON object.")
        }
        guard let model = o["model"]?.stringValue, !model.isEmpty else {
            throw PlexusError(.invalidRequest, "you must provide a model parameter", param: "model")
        }
        guard let messages = o["messages"]?.arrayValue else {
            throw PlexusError(.invalidRequest, "Missing required parameter: 'messages'.", param: "messages")
        }
        guard !messages.isEmpty else {
            throw PlexusError(
                .invalidRequest, "Invalid 'messages': empty array. Expected an array with minimum length 1.",
                param: "messages")
        }
        for (i, m) in messages.enumerated() where m["role"]?.stringValue == nil {
            throw PlexusError(
                .invalidRequest, "Missing required parameter: 'messages[\(i)].role'.", param: "messages[\(i)].role")
        }
        var gen = MockGeneration(
            proto: .chat, model: model, stream: o["stream"]?.boolValue ?? false,
            inputTokens: 0, digest: 0)
        (gen.inputTokens, gen.digest) = MockTokenEstimate.scan(body)
        gen.conversation = .openAI(messages)
        gen.includeUsage = o["stream_options"]?["include_usage"]?.boolValue ?? false
        gen.maxTokens = o["max_completion_tokens"]?.intValue ?? o["max_tokens"]?.intValue
        gen.tools = (o["tools"]?.arrayValue ?? []).compactMap { tool in
            guard let f = tool["function"], let name = f["name"]?.stringValue else { return nil }
            return MockToolSpec(name: name, schema: f["parameters"])
        }
        return gen
    }

    static func responseID(_ script: MockScript) -> String { "chatcmpl-" + MockHash.token(script.seed, length: 29) }

    static func finishReason(_ stop: MockStop) -> String {
        switch stop {
        case .endTurn: "stop"
        case .maxTokens: "length"
        case .toolUse: "tool_calls"
        }
    }

    static func usage(_ s: MockScript) -> JSONValue {
        let completion = s.usage.output + s.usage.reasoning
        return [
            "prompt_tokens": .number(Double(s.usage.input)),
            "completion_tokens": .number(Double(completion)),
            "total_tokens": .number(Double(s.usage.input + completion)),
            "prompt_tokens_details": ["cached_tokens": 0, "audio_tokens": 0],
            "completion_tokens_details": [
                "reasoning_tokens": .number(Double(s.usage.reasoning)), "audio_tokens": 0,
                "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
            ],
        ]
    }

    /// A `chat.completion` body.
    static func unaryBody(_ s: MockScript) -> [UInt8] {
        var message = JSONObject([("role", "assistant"), ("content", s.text.isEmpty ? .null : .string(s.fullText))])
        if !s.thinking.isEmpty { message["reasoning_content"] = .string(s.thinkingText) }
        if !s.toolCalls.isEmpty {
            message["tool_calls"] = .array(
                s.toolCalls.map { call in
                    [
                        "id": .string(call.id), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)],
                    ]
                })
        }
        message["refusal"] = .null
        message["annotations"] = []
        let body: JSONValue = [
            "id": .string(responseID(s)), "object": "chat.completion",
            "created": .number(Double(MockConstants.created)), "model": .string(s.model),
            "choices": [
                [
                    "index": 0, "message": .object(message), "logprobs": nil,
                    "finish_reason": .string(finishReason(s.stop)),
                ]
            ],
            "usage": usage(s), "service_tier": "default", "system_fingerprint": .string(MockConstants.fingerprint),
        ]
        return body.serialized()
    }

    /// `GET /v1/models` in OpenAI list form.
    static func modelList(_ names: [String]) -> [UInt8] {
        let data: [JSONValue] = names.map {
            [
                "id": .string($0), "object": "model", "created": .number(Double(MockConstants.created)),
                "owned_by": "plexus-mock",
            ]
        }
        return (["object": "list", "data": .array(data)] as JSONValue).serialized()
    }
}
