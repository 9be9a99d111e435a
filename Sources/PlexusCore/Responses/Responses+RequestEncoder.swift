extension Responses {
    /// Encodes an IR request as a Responses body for an upstream.
    ///
    /// What the Responses API cannot express fails with a 400 naming it, as the other encoders do for what changes
    /// the answer: `stop` sequences, `seed`, `n` > 1, `top_k`, non-zero `frequency_penalty` / `presence_penalty`.
    /// Toward a Responses upstream from a client of another protocol the gateway asks for `store: false` and, when
    /// reasoning is on, `include: ["reasoning.encrypted_content"]`: that client resends the conversation each turn,
    /// and the encrypted reasoning comes back with it (as a signature), so nothing depends on OpenAI's storage.
    public enum RequestEncoder {
        public static func encode(_ r: IR.Request, model: String) throws(PlexusError) -> JSONObject {
            try r.extensions.check(target: .responses)
            try refuseInexpressible(r)
            let native = r.extensions.origin == .responses
            var o = JSONObject()
            o["model"] = .string(model)
            let system = try self.system(r.system)
            o.set("instructions", system.instructions)
            o["input"] = .array(system.items + (try input(r.messages)))
            if !r.tools.isEmpty {
                var tools: [JSONValue] = []
                for t in r.tools { tools.append(try tool(t, origin: r.extensions.origin)) }
                o["tools"] = .array(tools)
                o.set("tool_choice", toolChoice(r.toolChoice))
                o.set("parallel_tool_calls", r.parallelToolCalls)
            }
            o.set("max_output_tokens", r.maxOutputTokens)
            o.set("temperature", r.temperature)
            o.set("top_p", r.topP)
            o.set("reasoning", reasoning(r.reasoning))
            if let format = r.responseFormat { o["text"] = ["format": formatJSON(format)] }
            o.set("user", r.user)
            o["stream"] = .bool(r.stream)
            if !native {
                o["store"] = false
                if r.reasoning != nil { o["include"] = ["reasoning.encrypted_content"] }
                o["input"] = .array(withoutItemIDs(o["input"]?.arrayValue ?? []))
            }
            for (k, v) in r.extensions.fields(for: .responses).pairs { o[k] = v }
            return o
        }

        /// Items resent with `store: false` go without their ids: OpenAI looks an id up among stored items ("Item with
        /// id 'rs_…' not found. Items are not persisted when `store` is set to false") and checks a reasoning item's
        /// id against the item after it, which a Chat, Anthropic or Gemini client cannot name. The encrypted
        /// content alone carries the reasoning, as stateless clients send it.
        static func withoutItemIDs(_ items: [JSONValue]) -> [JSONValue] {
            items.map { item in
                guard case .object(var o) = item, o["id"] != nil,
                    ["reasoning", "function_call", "message"].contains(o["type"]?.stringValue ?? "")
                else { return item }
                o["id"] = nil
                if o["type"]?.stringValue != "function_call" { o["status"] = nil }
                return .object(o)
            }
        }

        static func refuseInexpressible(_ r: IR.Request) throws(PlexusError) {
            if !r.stopSequences.isEmpty {
                throw PlexusError.unsupported("stop", target: .responses, detail: "stop sequences")
            }
            if r.topK != nil { throw PlexusError.unsupported("top_k", target: .responses) }
            if r.seed != nil { throw PlexusError.unsupported("seed", target: .responses) }
            if let n = r.candidateCount, n > 1 {
                throw PlexusError.unsupported("n", target: .responses, detail: "n > 1")
            }
            if let f = r.frequencyPenalty, f != 0 {
                throw PlexusError.unsupported("frequency_penalty", target: .responses)
            }
            if let p = r.presencePenalty, p != 0 {
                throw PlexusError.unsupported("presence_penalty", target: .responses)
            }
        }

        /// One text part is `instructions`; anything else is a leading `system` message that keeps the parts apart.
        static func system(_ parts: [IR.Part]) throws(PlexusError) -> (instructions: String?, items: [JSONValue]) {
            if parts.isEmpty { return (nil, []) }
            if parts.count == 1, case .text(let t) = parts[0] { return (t.text.isEmpty ? nil : t.text, []) }
            let content = try contentParts(parts, param: "system")
            return (nil, [["type": "message", "role": "system", "content": .array(content)]])
        }

        /// Effort by the reasoning table (a provider-decided mode names none); thought text is a summary, asked for
        /// unless declined, as toward Gemini: Chat clients of a thinking model read it as `reasoning_content`.
        static func reasoning(_ reasoning: IR.Reasoning?) -> JSONValue? {
            guard let reasoning else { return nil }
            var o = JSONObject()
            if reasoning.mode != .dynamic { o.set("effort", reasoning.effort?.rawValue) }
            if reasoning.includeThoughts ?? (reasoning.budget != 0) { o["summary"] = "auto" }
            return o.isEmpty ? nil : .object(o)
        }

        static func formatJSON(_ f: IR.ResponseFormat) -> JSONValue {
            switch f {
            case .text: return ["type": "text"]
            case .jsonObject: return ["type": "json_object"]
            case .jsonSchema(let name, let schema, let strict, let description):
                var o = JSONObject.make(["type": "json_schema", "name": .string(name ?? "response")])
                o.set("description", description)
                o["schema"] = schema
                o.set("strict", strict)
                return .object(o)
            }
        }
    }
}
