extension Anthropic {
    /// Encodes an IR request as a Messages body for an upstream.
    public enum RequestEncoder {
        public static func encode(_ r: IR.Request, model: String) throws(PlexusError) -> JSONObject {
            try r.extensions.check(target: .messages)
            try refuseInexpressible(r)
            var o = JSONObject()
            o["model"] = .string(model)
            o["messages"] = .array(try messages(r.messages))
            // An empty system text says nothing (Anthropic's decoder drops one), so it is not sent.
            if !r.system.isEmpty, case let s = try system(r.system), s != "" { o["system"] = s }
            let thinking = self.thinking(r)
            var maxTokens = r.maxOutputTokens ?? defaultMaxTokens
            if let budget = thinking?["budget_tokens"]?.looseInt, budget >= maxTokens {
                maxTokens = budget + defaultMaxTokens
            }
            o["max_tokens"] = .number(Double(maxTokens))
            o.set("thinking", thinking)
            o.set("temperature", r.temperature)
            o.set("top_p", r.topP)
            o.set("top_k", r.topK)
            if !r.stopSequences.isEmpty { o["stop_sequences"] = .array(r.stopSequences.map { .string($0) }) }
            if !r.tools.isEmpty { o["tools"] = .array(try r.tools.map(tool)) }
            o.set("tool_choice", try toolChoice(r))
            if let user = r.user { o["metadata"] = ["user_id": .string(user)] }
            if case .jsonSchema(_, let schema, _, _)? = r.responseFormat {
                o["output_config"] = ["format": ["type": "json_schema", "schema": schema]]
            }
            if r.stream { o["stream"] = true }
            for (k, v) in r.extensions.fields(for: .messages).pairs { o[k] = v }
            return o
        }

        static func refuseInexpressible(_ r: IR.Request) throws(PlexusError) {
            if let n = r.candidateCount, n > 1 {
                throw PlexusError.unsupported("n", target: .messages, detail: "n > 1")
            }
            if r.seed != nil { throw PlexusError.unsupported("seed", target: .messages) }
            if let f = r.frequencyPenalty, f != 0 {
                throw PlexusError.unsupported("frequency_penalty", target: .messages)
            }
            if let p = r.presencePenalty, p != 0 {
                throw PlexusError.unsupported("presence_penalty", target: .messages)
            }
            if r.responseFormat == .jsonObject {
                throw PlexusError.unsupported(
                    "response_format", target: .messages, detail: "JSON mode without a schema")
            }
        }

        /// Effort maps to a thinking budget; an effort that came from Anthropic's own `output_config` stays there.
        static func thinking(_ r: IR.Request) -> JSONValue? {
            guard let reasoning = r.reasoning else { return nil }
            switch reasoning.mode {
            case .effort where r.extensions.fields(for: .messages)["output_config"]?["effort"] != nil:
                return nil
            case .dynamic:
                return ["type": "adaptive"]
            case .disabled, .effort, .budget:
                let budget = reasoning.budget ?? 0
                if budget <= 0 { return ["type": "disabled"] }
                return ["type": "enabled", "budget_tokens": .number(Double(max(1024, budget)))]
            }
        }

        static func system(_ parts: [IR.Part]) throws(PlexusError) -> JSONValue {
            if parts.count == 1, case .text(let t) = parts[0], t.cacheControl == nil { return .string(t.text) }
            var out: [JSONValue] = []
            for (j, p) in parts.enumerated() {
                guard case .text = p else {
                    throw PlexusError.unsupported("system[\(j)]", target: .messages, detail: "non-text system content")
                }
                out.append(contentsOf: try blocks(p, role: .user, param: "system[\(j)]"))
            }
            return .array(out)
        }

        static func tool(_ t: IR.ToolDefinition) throws(PlexusError) -> JSONValue {
            if let b = t.builtin {
                guard b.origin == .messages else {
                    throw PlexusError.unsupported(
                        "tools[\(t.name)]", target: .messages, detail: "a built-in tool of another API")
                }
                return b.value
            }
            var o = JSONObject.make(["name": .string(t.name)])
            o.set("description", t.description)
            o["input_schema"] = t.parameters ?? ["type": "object", "properties": [:]]
            o.set("cache_control", t.cacheControl)
            return .object(o)
        }

        static func toolChoice(_ r: IR.Request) throws(PlexusError) -> JSONValue? {
            guard !r.tools.isEmpty else { return nil }  // Anthropic refuses a tool_choice without tools
            var c: JSONObject
            switch r.toolChoice {
            case nil: c = JSONObject.make(["type": "auto"])
            case .auto?: c = JSONObject.make(["type": "auto"])
            case .none?: c = JSONObject.make(["type": "none"])
            case .required?: c = JSONObject.make(["type": "any"])
            case .tool(let name)?: c = JSONObject.make(["type": "tool", "name": .string(name)])
            case .allowed(let names, let required)?:
                guard Set(r.tools.map(\.name)).isSubset(of: Set(names)) else {
                    throw PlexusError.unsupported("tool_choice", target: .messages, detail: "a subset of allowed tools")
                }
                c = JSONObject.make(["type": required ? "any" : "auto"])
            }
            if r.parallelToolCalls == false { c["disable_parallel_tool_use"] = true }
            if r.toolChoice == nil && r.parallelToolCalls != false { return nil }
            return .object(c)
        }
    }
}
