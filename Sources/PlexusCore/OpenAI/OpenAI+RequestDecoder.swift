extension OpenAI {
    /// Decodes a Chat Completions request body into the IR.
    public enum RequestDecoder {
        static let known: Set<String> = [
            "model", "messages", "tools", "tool_choice", "max_tokens", "max_completion_tokens", "temperature", "top_p",
            "top_k", "stop", "stream", "stream_options", "reasoning_effort", "response_format", "user",
            "parallel_tool_calls", "seed", "n", "frequency_penalty", "presence_penalty", "functions", "function_call",
        ]

        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Request {
            try decode(JSONInput.object(body))
        }

        public static func decode(_ o: JSONObject) throws(PlexusError) -> IR.Request {
            guard let messages = o["messages"]?.arrayValue else {
                throw PlexusError.invalid("'messages' is required and must be an array.", param: "messages")
            }
            var r = IR.Request(model: o["model"]?.stringValue ?? "")
            for (i, m) in messages.enumerated() { try decodeMessage(m, index: i, into: &r) }
            try decodeTools(o, into: &r)
            decodeSampling(o, into: &r)
            r.responseFormat = try responseFormat(o["response_format"])
            r.reasoning = reasoning(o["reasoning_effort"]?.stringValue)
            var ext = JSONObject()
            for (k, v) in o.pairs where !known.contains(k) { ext[k] = v }
            if let effort = o["reasoning_effort"]?.stringValue, IR.Effort(rawValue: effort) == nil {
                ext["reasoning_effort"] = .string(effort)  // e.g. "none"/"xhigh": restored verbatim for OpenAI targets
            }
            r.extensions = IR.Extensions(origin: .chat, fields: ext, required: required(o))
            return r
        }

        /// Fields that change the answer and that no other protocol can carry.
        static func required(_ o: JSONObject) -> [String] {
            var names: [String] = []
            if o["logprobs"]?.boolValue == true { names.append("logprobs") }
            for k in ["top_logprobs", "web_search_options", "audio", "prediction"] where o[k] != nil && o[k] != .null {
                names.append(k)
            }
            if o["modalities"]?.arrayValue?.contains(where: { $0.stringValue == "audio" }) == true {
                names.append("modalities")
            }
            if let bias = o["logit_bias"]?.objectValue, !bias.isEmpty { names.append("logit_bias") }
            return names
        }

        static func decodeSampling(_ o: JSONObject, into r: inout IR.Request) {
            r.maxOutputTokens = o["max_completion_tokens"]?.looseInt ?? o["max_tokens"]?.looseInt
            r.temperature = o["temperature"]?.looseDouble
            r.topP = o["top_p"]?.looseDouble
            r.topK = o["top_k"]?.looseInt
            switch o["stop"] {
            case .string(let s)?: r.stopSequences = [s]
            case .array(let a)?: r.stopSequences = a.compactMap(\.stringValue)
            default: break
            }
            r.stream = o["stream"]?.boolValue ?? false
            r.streamIncludeUsage = o["stream_options"]?["include_usage"]?.boolValue ?? false
            r.user = o["user"]?.stringValue
            r.parallelToolCalls = o["parallel_tool_calls"]?.boolValue
            r.seed = o["seed"]?.looseInt
            r.candidateCount = o["n"]?.looseInt
            r.frequencyPenalty = o["frequency_penalty"]?.looseDouble
            r.presencePenalty = o["presence_penalty"]?.looseDouble
        }

        static func reasoning(_ effort: String?) -> IR.Reasoning? {
            guard let effort else { return nil }
            switch effort {
            case "none": return IR.Reasoning(mode: .disabled)
            case "xhigh", "max": return IR.Reasoning(mode: .effort(.high))
            default: return IR.Effort(rawValue: effort).map { IR.Reasoning(mode: .effort($0)) }
            }
        }

        static func responseFormat(_ v: JSONValue?) throws(PlexusError) -> IR.ResponseFormat? {
            guard let v else { return nil }
            switch v["type"]?.stringValue {
            case "text": return .text
            case "json_object": return .jsonObject
            case "json_schema":
                let js = v["json_schema"]
                guard let schema = js?["schema"] else {
                    throw PlexusError.invalid(
                        "'response_format.json_schema.schema' is required.", param: "response_format.json_schema.schema"
                    )
                }
                return .jsonSchema(
                    name: js?["name"]?.stringValue, schema: schema, strict: js?["strict"]?.boolValue,
                    description: js?["description"]?.stringValue)
            default:
                throw PlexusError.invalid("Unknown 'response_format.type'.", param: "response_format.type")
            }
        }
    }
}
