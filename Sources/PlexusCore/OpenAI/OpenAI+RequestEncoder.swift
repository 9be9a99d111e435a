extension OpenAI {
    /// Encodes an IR request as a Chat Completions body for an upstream.
    public enum RequestEncoder {
        public static func encode(_ r: IR.Request, model: String) throws(PlexusError) -> JSONObject {
            try r.extensions.check(target: .chat)
            var o = JSONObject()
            o["model"] = .string(model)
            o["messages"] = .array(try messages(r))
            if !r.tools.isEmpty {
                // OpenAI refuses tool_choice and parallel_tool_calls without tools.
                o["tools"] = .array(try r.tools.map(tool))
                o.set("tool_choice", toolChoice(r.toolChoice))
                o.set("parallel_tool_calls", r.parallelToolCalls)
            }
            try sampling(r, into: &o)
            o.set("response_format", responseFormat(r.responseFormat))
            o.set("reasoning_effort", r.reasoning.flatMap(\.effort)?.rawValue)
            o.set("user", r.user)
            o["stream"] = .bool(r.stream)
            if r.stream { o["stream_options"] = ["include_usage": true] }
            for (k, v) in r.extensions.fields(for: .chat).pairs { o[k] = v }
            return o
        }

        static func sampling(_ r: IR.Request, into o: inout JSONObject) throws(PlexusError) {
            if r.topK != nil { throw PlexusError.unsupported("top_k", target: .chat) }
            o.set("max_completion_tokens", r.maxOutputTokens)
            o.set("temperature", r.temperature)
            o.set("top_p", r.topP)
            if !r.stopSequences.isEmpty { o["stop"] = .array(r.stopSequences.map { .string($0) }) }
            o.set("seed", r.seed)
            o.set("n", r.candidateCount)
            o.set("frequency_penalty", r.frequencyPenalty)
            o.set("presence_penalty", r.presencePenalty)
        }

        static func tool(_ t: IR.ToolDefinition) throws(PlexusError) -> JSONValue {
            if let b = t.builtin {
                guard b.origin == .chat else {
                    throw PlexusError.unsupported(
                        "tools[\(t.name)]", target: .chat, detail: "a built-in tool of another API")
                }
                return b.value
            }
            var fn = JSONObject()
            fn["name"] = .string(t.name)
            fn.set("description", t.description)
            fn.set("parameters", t.parameters)
            fn.set("strict", t.strict)
            return ["type": "function", "function": .object(fn)]
        }

        static func toolChoice(_ c: IR.ToolChoice?) -> JSONValue? {
            switch c {
            case nil: nil
            case .auto?: "auto"
            case .none?: "none"
            case .required?: "required"
            case .tool(let name)?: ["type": "function", "function": ["name": .string(name)]]
            case .allowed(let names, let required)?:
                [
                    "type": "allowed_tools",
                    "allowed_tools": [
                        "mode": required ? "required" : "auto",
                        "tools": .array(names.map { ["type": "function", "function": ["name": .string($0)]] }),
                    ],
                ]
            }
        }

        static func responseFormat(_ f: IR.ResponseFormat?) -> JSONValue? {
            switch f {
            case nil: return nil
            case .text?: return ["type": "text"]
            case .jsonObject?: return ["type": "json_object"]
            case .jsonSchema(let name, let schema, let strict, let description)?:
                var js = JSONObject()
                js["name"] = .string(name ?? "response")
                js.set("description", description)
                js["schema"] = schema
                js.set("strict", strict)
                return ["type": "json_schema", "json_schema": .object(js)]
            }
        }
    }
}
