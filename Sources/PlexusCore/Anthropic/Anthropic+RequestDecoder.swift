extension Anthropic {
    /// Decodes a Messages request body into the IR.
    public enum RequestDecoder {
        static let known: Set<String> = [
            "model", "messages", "system", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream",
            "tools", "tool_choice", "thinking", "metadata",
        ]

        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Request {
            try decode(JSONInput.object(body))
        }

        public static func decode(_ o: JSONObject) throws(PlexusError) -> IR.Request {
            guard let messages = o["messages"]?.arrayValue else {
                throw PlexusError.invalid("'messages' is required and must be an array.", param: "messages")
            }
            var r = IR.Request(model: o["model"]?.stringValue ?? "")
            r.system = try system(o["system"])
            for (i, m) in messages.enumerated() {
                let param = "messages[\(i)]"
                let role: IR.Role = m["role"]?.stringValue == "assistant" ? .assistant : .user
                r.messages.append(IR.Message(role: role, parts: try blocks(m["content"], param: "\(param).content")))
            }
            try decodeTools(o, into: &r)
            r.maxOutputTokens = o["max_tokens"]?.looseInt
            r.temperature = o["temperature"]?.looseDouble
            r.topP = o["top_p"]?.looseDouble
            r.topK = o["top_k"]?.looseInt
            r.stopSequences = o["stop_sequences"]?.arrayValue?.compactMap(\.stringValue) ?? []
            r.stream = o["stream"]?.boolValue ?? false
            r.user = o["metadata"]?["user_id"]?.stringValue
            r.reasoning = reasoning(o["thinking"], outputConfig: o["output_config"])
            r.responseFormat = responseFormat(o["output_config"]?["format"] ?? o["output_format"])
            var ext = JSONObject()
            for (k, v) in o.pairs where !known.contains(k) { ext[k] = v }
            let required = ["container", "mcp_servers"].filter { o[$0] != nil && o[$0] != .null }
            r.extensions = IR.Extensions(origin: .messages, fields: ext, required: required)
            return r
        }

        static func system(_ v: JSONValue?) throws(PlexusError) -> [IR.Part] {
            switch v {
            case nil, .null?: return []
            case .string(let s)?: return s.isEmpty ? [] : [.text(IR.Text(s))]
            default: return try blocks(v, param: "system")
            }
        }

        /// `thinking` decides; `output_config.effort` alone (no thinking) becomes an effort.
        static func reasoning(_ t: JSONValue?, outputConfig: JSONValue?) -> IR.Reasoning? {
            switch t?["type"]?.stringValue {
            case "enabled":
                return IR.Reasoning(mode: .budget(t?["budget_tokens"]?.looseInt ?? 1024), includeThoughts: true)
            case "disabled": return IR.Reasoning(mode: .disabled)
            case "adaptive": return IR.Reasoning(mode: .dynamic, includeThoughts: true)
            default:
                guard let effort = outputConfig?["effort"]?.stringValue else { return nil }
                let e: IR.Effort = effort == "max" || effort == "xhigh" ? .high : IR.Effort(rawValue: effort) ?? .medium
                return IR.Reasoning(mode: .effort(e))
            }
        }

        static func responseFormat(_ f: JSONValue?) -> IR.ResponseFormat? {
            guard let f, f["type"]?.stringValue == "json_schema", let schema = f["schema"] else { return nil }
            return .jsonSchema(name: f["name"]?.stringValue, schema: schema, strict: true, description: nil)
        }

        static func decodeTools(_ o: JSONObject, into r: inout IR.Request) throws(PlexusError) {
            for (i, t) in (o["tools"]?.arrayValue ?? []).enumerated() {
                guard let name = t["name"]?.stringValue else {
                    throw PlexusError.invalid("'tools[\(i)].name' is required.", param: "tools[\(i)].name")
                }
                let type = t["type"]?.stringValue
                if let type, type != "custom" {
                    r.tools.append(IR.ToolDefinition(name: name, builtin: IR.Opaque(origin: .messages, value: t)))
                    continue
                }
                r.tools.append(
                    IR.ToolDefinition(
                        name: name, description: t["description"]?.stringValue,
                        parameters: t["input_schema"], strict: t["strict"]?.boolValue,
                        cacheControl: t["cache_control"]))
            }
            guard let c = o["tool_choice"] else { return }
            if c["disable_parallel_tool_use"]?.boolValue == true { r.parallelToolCalls = false }
            switch c["type"]?.stringValue {
            case "auto": r.toolChoice = .auto
            case "any": r.toolChoice = .required
            case "none": r.toolChoice = IR.ToolChoice.none
            case "tool": r.toolChoice = .tool(c["name"]?.stringValue ?? "")
            default: throw PlexusError.invalid("Unrecognised 'tool_choice.type'.", param: "tool_choice.type")
            }
        }
    }
}
