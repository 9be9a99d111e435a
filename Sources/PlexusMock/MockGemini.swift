import PlexusCore

/// Gemini generateContent as the mock speaks it; reads both lowerCamelCase and snake_case fields.
enum MockGemini {
    /// Values Google documents for "no signature available"; accepted like real Gemini does.
    static let skipSignatures: Set<String> = [
        "skip_thought_signature_validator", "context_engineering_is_the_way_to_go",
    ]

    /// A field under either spelling.
    static func field(_ value: JSONValue?, _ camel: String, _ snake: String) -> JSONValue? {
        value?[camel] ?? value?[snake]
    }

    /// Reads what the mock needs from a generateContent body; the model comes from the path.
    static func generation(from body: JSONValue, model: String, stream: Bool) throws(PlexusError) -> MockGeneration {
        guard case .object = body else { throw PlexusError(.invalidRequest, "The request body must be a JSON object.") }
        guard let contents = body["contents"]?.arrayValue, !contents.isEmpty else {
            throw PlexusError(.invalidRequest, "* GenerateContentRequest.contents: contents is not specified")
        }
        for (i, content) in contents.enumerated() where content["parts"]?.arrayValue == nil {
            throw PlexusError(
                .invalidRequest, "* GenerateContentRequest.contents[\(i)].parts: contents.parts must not be empty.")
        }
        var gen = MockGeneration(
            proto: .gemini, model: model, stream: stream,
            inputTokens: 0, digest: 0)
        (gen.inputTokens, gen.digest) = MockTokenEstimate.scan(body)
        gen.digest = MockHash.combine(gen.digest, MockHash.hash64(model))
        gen.conversation = .gemini(contents)
        gen.maxTokens =
            field(field(body, "generationConfig", "generation_config"), "maxOutputTokens", "max_output_tokens")?
            .intValue
        for tool in body["tools"]?.arrayValue ?? [] {
            for decl in field(tool, "functionDeclarations", "function_declarations")?.arrayValue ?? [] {
                guard let name = decl["name"]?.stringValue else { continue }
                let schema = field(decl, "parametersJsonSchema", "parameters_json_schema") ?? decl["parameters"]
                gen.tools.append(MockToolSpec(name: name, schema: schema))
            }
        }
        return gen
    }

    /// Checks every `thoughtSignature` in the history; the first bad one is the error.
    static func verifySignatures(in body: JSONValue, signer: MockSigner) -> PlexusError? {
        for (ci, content) in (body["contents"]?.arrayValue ?? []).enumerated() {
            for (pi, part) in (content["parts"]?.arrayValue ?? []).enumerated() {
                guard let signature = field(part, "thoughtSignature", "thought_signature")?.stringValue,
                    !skipSignatures.contains(signature)
                else { continue }
                let call = field(part, "functionCall", "function_call")
                let bound = call?["name"]?.stringValue ?? "text"
                if signer.verify(signature, purpose: .geminiPart, content: bound) != .valid {
                    return PlexusError(
                        .invalidRequest,
                        "Thought signature is not valid: contents[\(ci)].parts[\(pi)]"
                            + ".thoughtSignature '\(MockAnthropic.excerpt(signature))'")
                }
            }
        }
        return nil
    }

    /// A thinking model requires a `thoughtSignature` on the first `functionCall` of each model step of the
    /// current turn (the contents after the last user text), as Gemini 3 does.
    static func missingSignature(in body: JSONValue) -> PlexusError? {
        let contents = body["contents"]?.arrayValue ?? []
        let turnStart =
            (contents.lastIndex { content in
                content["role"]?.stringValue != "model"
                    && (content["parts"]?.arrayValue ?? []).contains {
                        field($0, "functionResponse", "function_response") == nil
                    }
            } ?? -1) + 1
        for ci in contents.indices where ci >= turnStart && contents[ci]["role"]?.stringValue == "model" {
            let parts = contents[ci]["parts"]?.arrayValue ?? []
            guard let pi = parts.firstIndex(where: { field($0, "functionCall", "function_call") != nil }),
                field(parts[pi], "thoughtSignature", "thought_signature") == nil
            else { continue }
            let name = field(parts[pi], "functionCall", "function_call")?["name"]?.stringValue ?? ""
            return PlexusError(
                .invalidRequest,
                "Function call is missing a thought_signature in functionCall parts. "
                    + "Additional data, function call `\(name)`, position contents[\(ci)].parts[\(pi)].")
        }
        return nil
    }

    static func responseID(_ script: MockScript) -> String { MockHash.token(script.seed, length: 23) }

    static func finishReason(_ stop: MockStop) -> String {
        switch stop {
        case .endTurn, .toolUse: "STOP"
        case .maxTokens: "MAX_TOKENS"
        }
    }

    /// `usageMetadata`: prompt only while streaming, everything on the last event.
    static func usage(_ s: MockScript, final: Bool) -> JSONValue {
        let prompt = Double(s.usage.input)
        let details: JSONValue = [["modality": "TEXT", "tokenCount": .number(prompt)]]
        guard final else {
            return [
                "promptTokenCount": .number(prompt), "totalTokenCount": .number(prompt), "promptTokensDetails": details,
            ]
        }
        var u = JSONObject([
            ("promptTokenCount", .number(prompt)), ("candidatesTokenCount", .number(Double(s.usage.output))),
        ])
        u["totalTokenCount"] = .number(Double(s.usage.input + s.usage.output + s.usage.reasoning))
        u["promptTokensDetails"] = details
        if s.usage.reasoning > 0 { u["thoughtsTokenCount"] = .number(Double(s.usage.reasoning)) }
        return .object(u)
    }

    /// One `GenerateContentResponse` with the given parts.
    static func response(_ s: MockScript, parts: [JSONValue], final: Bool) -> JSONValue {
        var candidate = JSONObject([("content", ["parts": .array(parts), "role": "model"])])
        if final { candidate["finishReason"] = .string(finishReason(s.stop)) }
        candidate["index"] = 0
        return [
            "candidates": [.object(candidate)], "usageMetadata": usage(s, final: final),
            "modelVersion": .string(s.model), "responseId": .string(responseID(s)),
        ]
    }

    static func textPart(_ text: String, signature: String?) -> JSONValue {
        var part = JSONObject([("text", .string(text))])
        if let signature { part["thoughtSignature"] = .string(signature) }
        return .object(part)
    }

    static func callPart(_ call: MockToolCall, signature: String?) -> JSONValue {
        var part = JSONObject([("functionCall", ["name": .string(call.name), "args": call.arguments])])
        if let signature { part["thoughtSignature"] = .string(signature) }
        return .object(part)
    }

    /// A unary body: thought part, text part, functionCall parts; the signature on the first after the thoughts.
    static func unaryBody(_ s: MockScript) -> [UInt8] {
        var parts: [JSONValue] = []
        if !s.thinking.isEmpty { parts.append(["text": .string(s.thinkingText), "thought": true]) }
        if !s.text.isEmpty || (s.signature != nil && s.toolCalls.isEmpty) {
            parts.append(textPart(s.fullText, signature: s.signature))
        }
        for call in s.toolCalls { parts.append(callPart(call, signature: call.signature)) }
        return response(s, parts: parts, final: true).serialized()
    }

    /// `:countTokens` answer.
    static func countTokensBody(_ tokens: Int) -> [UInt8] {
        let body: JSONValue = [
            "totalTokens": .number(Double(tokens)),
            "promptTokensDetails": [["modality": "TEXT", "tokenCount": .number(Double(tokens))]],
        ]
        return body.serialized()
    }

    /// `GET /v1beta/models`.
    static func modelList(_ names: [String]) -> [UInt8] {
        let models: [JSONValue] = names.map {
            [
                "name": .string("models/" + $0), "version": "001", "displayName": .string(MockModels.displayName($0)),
                "description": "Plexus mock model", "inputTokenLimit": 1_048_576, "outputTokenLimit": 65_536,
                "supportedGenerationMethods": ["generateContent", "countTokens"], "thinking": true,
            ]
        }
        return (["models": .array(models)] as JSONValue).serialized()
    }
}
