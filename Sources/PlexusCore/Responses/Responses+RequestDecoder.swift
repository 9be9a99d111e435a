extension Responses {
    /// Decodes a Responses request body (`POST /v1/responses`) into the IR.
    public enum RequestDecoder {
        /// Members the IR models; every other member is kept verbatim for a Responses target.
        static let known: Set<String> = [
            "model", "input", "instructions", "tools", "tool_choice", "max_output_tokens", "temperature", "top_p",
            "stream", "reasoning", "text", "parallel_tool_calls", "user",
        ]

        /// Members that change the answer and that no other protocol can carry: a request with one of them set
        /// fails toward another protocol rather than lose it. `previous_response_id` and `conversation` stand for
        /// a history the server expands (and then removes with `IR.Extensions.remove`).
        static let answerChanging = ["previous_response_id", "conversation", "prompt", "background", "top_logprobs"]

        public static func decode(_ body: [UInt8]) throws(PlexusError) -> IR.Request {
            try decode(JSONInput.object(body))
        }

        public static func decode(_ o: JSONObject) throws(PlexusError) -> IR.Request {
            var r = IR.Request(model: o["model"]?.stringValue ?? "")
            r.system = try instructions(o["instructions"])
            try decodeInput(o, into: &r)
            try decodeTools(o, into: &r)
            r.maxOutputTokens = o["max_output_tokens"]?.looseInt
            r.temperature = o["temperature"]?.looseDouble
            r.topP = o["top_p"]?.looseDouble
            r.stream = o["stream"]?.boolValue ?? false
            r.user = o["user"]?.stringValue
            r.parallelToolCalls = o["parallel_tool_calls"]?.boolValue
            r.reasoning = reasoning(o["reasoning"])
            r.responseFormat = try responseFormat(o["text"]?["format"])
            r.extensions = extensions(o)
            return r
        }

        /// The members the IR has no place for, and those of its members it could not hold whole.
        static func extensions(_ o: JSONObject) -> IR.Extensions {
            var ext = JSONObject()
            for (k, v) in o.pairs where !known.contains(k) { ext[k] = v }
            if let reasoning = o["reasoning"], !reasoningFits(reasoning) { ext["reasoning"] = reasoning }
            if let text = o["text"]?.objectValue, text.keys.contains(where: { $0 != "format" }) {
                ext["text"] = .object(text)
            }
            var required = answerChanging.filter { key in
                switch o[key] {
                case nil, .null?, .bool(false)?: false
                case .number(let n)?: n != 0
                default: true
                }
            }
            if let choice = o["tool_choice"], toolChoiceIsBuiltin(choice) {
                ext["tool_choice"] = choice
                required.append("tool_choice")
            }
            return IR.Extensions(origin: .responses, fields: ext, required: required)
        }

        /// `instructions`: a string (a list of input items, as a stored response echoes it, is read for its text).
        static func instructions(_ v: JSONValue?) throws(PlexusError) -> [IR.Part] {
            switch v {
            case nil, .null?: return []
            case .string(let s)?: return s.isEmpty ? [] : [.text(IR.Text(s))]
            case .array(let items)?:
                var parts: [IR.Part] = []
                for (i, item) in items.enumerated() {
                    parts += try contentParts(item["content"] ?? item, param: "instructions[\(i)].content")
                }
                return parts
            default:
                throw PlexusError.invalid("'instructions' must be a string.", param: "instructions")
            }
        }

        /// `reasoning.effort` ↔ the IR's effort (`none` is off, `xhigh` the highest it has); `summary` asks for the
        /// thought text. Without either, the request leaves reasoning to the model.
        static func reasoning(_ v: JSONValue?) -> IR.Reasoning? {
            guard let v, case .object = v else { return nil }
            let summary = (v["summary"] ?? v["generate_summary"])?.stringValue
            let include: Bool? = summary.map { $0 != "none" }
            switch v["effort"]?.stringValue {
            case "none"?: return IR.Reasoning(mode: .disabled, includeThoughts: include)
            case "xhigh"?, "max"?: return IR.Reasoning(mode: .effort(.high), includeThoughts: include)
            case let effort?:
                return IR.Reasoning(mode: .effort(IR.Effort(rawValue: effort) ?? .medium), includeThoughts: include)
            case nil: return include == nil ? nil : IR.Reasoning(mode: .dynamic, includeThoughts: include)
            }
        }

        /// Whether the IR holds all of a `reasoning` object (else it is also kept verbatim for a Responses target).
        static func reasoningFits(_ v: JSONValue) -> Bool {
            guard case .object(let o) = v else { return false }
            let effortFits = o["effort"].map { $0 == .null || IR.Effort(rawValue: $0.stringValue ?? "") != nil } ?? true
            let summaryFits = o["summary"].map { $0 == .null || $0.stringValue == "auto" } ?? true
            return effortFits && summaryFits && o.keys.allSatisfy { $0 == "effort" || $0 == "summary" }
        }

        /// `text.format`: `text`, `json_object`, or `json_schema` with its members at that level (not nested as in Chat).
        static func responseFormat(_ v: JSONValue?) throws(PlexusError) -> IR.ResponseFormat? {
            guard let v, v != .null else { return nil }
            switch v["type"]?.stringValue {
            case "text": return .text
            case "json_object": return .jsonObject
            case "json_schema":
                guard let schema = v["schema"] else {
                    throw PlexusError.invalid("'text.format.schema' is required.", param: "text.format.schema")
                }
                return .jsonSchema(
                    name: v["name"]?.stringValue, schema: schema, strict: v["strict"]?.boolValue,
                    description: v["description"]?.stringValue)
            default:
                throw PlexusError.invalid("Unknown 'text.format.type'.", param: "text.format.type")
            }
        }
    }
}
