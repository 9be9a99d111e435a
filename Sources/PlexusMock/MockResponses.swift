import PlexusCore

/// OpenAI Responses (`POST /v1/responses`) as the mock speaks it: request decoding, ids and encrypted
/// reasoning content. Written here, apart from PlexusCore's Responses codecs, so the two check each other.
///
/// The mock stores nothing: `previous_response_id`, `conversation`, item references and reasoning items
/// without `encrypted_content` are refused the way OpenAI refuses ids it does not know (see
/// `MockResponses+Validation.swift`), so a gateway has to send the whole history itself.
enum MockResponses {
    /// What the answer echoes of the request (every top-level field of a `response` object that is not generated).
    struct Echo: Sendable {
        var instructions: JSONValue = .null
        var maxOutputTokens: JSONValue = .null
        var maxToolCalls: JSONValue = .null
        var parallelToolCalls: JSONValue = true
        var promptCacheKey: JSONValue = .null
        var promptCacheRetention: JSONValue = .null
        /// `reasoning.effort` as sent (null: the answer says `medium` when it thinks).
        var reasoningEffort: JSONValue = .null
        /// `reasoning.summary` as the response reports it (`auto` reads back as `detailed`, like OpenAI).
        var reasoningSummary: JSONValue = .null
        var safetyIdentifier: JSONValue = .null
        var serviceTier: JSONValue = .null
        var store: JSONValue = true
        var temperature: JSONValue = 1.0
        var topP: JSONValue = 1.0
        var frequencyPenalty: JSONValue = 0.0
        var presencePenalty: JSONValue = 0.0
        var text: JSONValue = ["format": ["type": "text"], "verbosity": "medium"]
        var toolChoice: JSONValue = "auto"
        var tools: JSONValue = []
        var topLogprobs: JSONValue = 0
        var truncation: JSONValue = "disabled"
        var user: JSONValue = .null
        var metadata: JSONValue = [:]
        /// `include` has `reasoning.encrypted_content`.
        var includeEncrypted = false
        /// `reasoning.summary` asked for a summary (`auto`, `concise`, `detailed`).
        var wantsSummary = false
        /// Stream deltas carry `obfuscation` padding unless `stream_options.include_obfuscation` is false.
        var obfuscation = true

        init() {}
    }

    /// The message types a `message` input item may carry, per role.
    static let userParts: Set<String> = ["input_text", "input_image", "input_file", "input_audio"]
    static let assistantParts: Set<String> = ["output_text", "refusal"]
    /// Input item types the mock accepts (built-in tool items pass through unread).
    static let itemTypes: [String] = [
        "message", "reasoning", "function_call", "function_call_output", "item_reference", "custom_tool_call",
        "custom_tool_call_output", "web_search_call", "file_search_call", "computer_call", "computer_call_output",
        "image_generation_call", "code_interpreter_call", "local_shell_call", "local_shell_call_output",
        "mcp_list_tools", "mcp_approval_request", "mcp_approval_response", "mcp_call",
    ]

    /// Reads what the mock needs from a `/v1/responses` body; shape errors are OpenAI's 400s.
    static func generation(from body: JSONValue) throws(PlexusError) -> MockGeneration {
        guard case .object(let o) = body else {
            throw PlexusError(.invalidRequest, "The request body must be a JSON object.")
        }
        guard let model = o["model"]?.stringValue, !model.isEmpty else {
            throw PlexusError(.invalidRequest, "Missing required parameter: 'model'.", param: "model")
        }
        let items = try inputItems(o)
        try checkItems(items)
        let tools = try functionTools(o["tools"])
        var gen = MockGeneration(
            proto: .responses, model: model, stream: o["stream"]?.boolValue ?? false,
            inputTokens: 0, digest: 0)
        (gen.inputTokens, gen.digest) = MockTokenEstimate.scan(body)
        if let cap = o["max_output_tokens"], !cap.isNull {
            guard let n = cap.intValue else {
                throw PlexusError(
                    .invalidRequest,
                    "Invalid type for 'max_output_tokens': expected an integer, but got "
                        + "\(typeName(cap)) instead.", param: "max_output_tokens")
            }
            guard n >= 16 else {
                throw PlexusError(
                    .invalidRequest,
                    "Invalid 'max_output_tokens': integer below minimum value. "
                        + "Expected a value >= 16, but got \(n) instead.", param: "max_output_tokens")
            }
            gen.maxTokens = n
        }
        gen.tools = tools
        gen.conversation = .responses(items)
        gen.responses = echo(o)
        return gen
    }

    /// `input` as items: a string is one user message.
    private static func inputItems(_ o: JSONObject) throws(PlexusError) -> [JSONValue] {
        switch o["input"] {
        case .string(let text)?:
            return [["role": "user", "content": .string(text)]]
        case .array(let items)?:
            return items
        case nil, .null?:
            // Without input only a continuation makes sense; it is refused later, as OpenAI refuses unknown ids.
            if o["previous_response_id"]?.stringValue != nil || o["conversation"].map({ !$0.isNull }) == true {
                return []
            }
            throw PlexusError(.invalidRequest, "Missing required parameter: 'input'.", param: "input")
        case let other?:
            throw PlexusError(
                .invalidRequest,
                "Invalid type for 'input': expected one of a string or array of input items, "
                    + "but got \(typeName(other)) instead.", param: "input")
        }
    }

    /// The shape of every input item, as OpenAI validates it before generating.
    private static func checkItems(_ items: [JSONValue]) throws(PlexusError) {
        for (i, item) in items.enumerated() {
            let place = "input[\(i)]"
            guard case .object(let o) = item else {
                throw PlexusError(
                    .invalidRequest,
                    "Invalid type for '\(place)': expected an input item, but got "
                        + "\(typeName(item)) instead.", param: place)
            }
            let type = o["type"]?.stringValue ?? (o["role"] != nil ? "message" : nil)
            guard let type else {
                throw PlexusError(
                    .invalidRequest, "Missing required parameter: '\(place).type'.", param: "\(place).type")
            }
            switch type {
            case "message":
                try checkMessage(o, place: place)
            case "function_call":
                for key in ["call_id", "name", "arguments"] where o[key]?.stringValue == nil {
                    throw missing("\(place).\(key)")
                }
            case "function_call_output":
                if o["call_id"]?.stringValue == nil { throw missing("\(place).call_id") }
                guard let output = o["output"], output.stringValue != nil || output.arrayValue != nil else {
                    throw missing("\(place).output")
                }
            case "reasoning":
                if o["summary"]?.arrayValue == nil { throw missing("\(place).summary") }
            case "item_reference":
                if o["id"]?.stringValue == nil { throw missing("\(place).id") }
            default:
                guard itemTypes.contains(type) else {
                    throw PlexusError(
                        .invalidRequest,
                        "Invalid value: '\(type)'. Supported values are: "
                            + quotedList(itemTypes) + ".", param: "\(place).type")
                }
            }
        }
    }

    private static func checkMessage(_ o: JSONObject, place: String) throws(PlexusError) {
        let roles = ["assistant", "system", "developer", "user"]
        guard let role = o["role"]?.stringValue else { throw missing("\(place).role") }
        guard roles.contains(role) else {
            throw PlexusError(
                .invalidRequest, "Invalid value: '\(role)'. Supported values are: \(quotedList(roles)).",
                param: "\(place).role")
        }
        guard let content = o["content"] else { throw missing("\(place).content") }
        if content.stringValue != nil { return }
        guard let parts = content.arrayValue else {
            throw PlexusError(
                .invalidRequest,
                "Invalid type for '\(place).content': expected one of a string or array of "
                    + "input content items, but got \(typeName(content)) instead.", param: "\(place).content")
        }
        // Assistant turns hold what the model wrote; user turns what the user sent (OpenAI refuses a mix-up).
        let allowed = role == "assistant" ? assistantParts : userParts
        for (j, part) in parts.enumerated() {
            let type = part["type"]?.stringValue ?? ""
            guard allowed.contains(type) else {
                throw PlexusError(
                    .invalidRequest,
                    "Invalid value: '\(type)'. Supported values are: "
                        + quotedList(allowed.sorted()) + ".", param: "\(place).content[\(j)]")
            }
        }
    }

    /// Function tools in the flat Responses shape; other tool types pass through unread.
    private static func functionTools(_ value: JSONValue?) throws(PlexusError) -> [MockToolSpec] {
        guard let value, !value.isNull else { return [] }
        guard let tools = value.arrayValue else {
            throw PlexusError(
                .invalidRequest, "Invalid type for 'tools': expected an array, but got \(typeName(value)) instead.",
                param: "tools")
        }
        var out: [MockToolSpec] = []
        for (i, tool) in tools.enumerated() {
            guard let type = tool["type"]?.stringValue else { throw missing("tools[\(i)].type") }
            guard type == "function" else { continue }
            // The Chat Completions shape (`function: {name, …}`) lacks the flat `name`: OpenAI says so.
            guard let name = tool["name"]?.stringValue else { throw missing("tools[\(i)].name") }
            out.append(MockToolSpec(name: name, schema: tool["parameters"]))
        }
        return out
    }

    /// The echoed fields; tools read back as OpenAI normalises them (`strict` defaults to true).
    private static func echo(_ o: JSONObject) -> Echo {
        var e = Echo()
        func given(_ key: String) -> JSONValue? { o[key].flatMap { $0.isNull ? nil : $0 } }
        e.instructions = given("instructions") ?? .null
        e.maxOutputTokens = given("max_output_tokens") ?? .null
        e.maxToolCalls = given("max_tool_calls") ?? .null
        e.parallelToolCalls = given("parallel_tool_calls") ?? true
        e.promptCacheKey = given("prompt_cache_key") ?? .null
        e.promptCacheRetention = given("prompt_cache_retention") ?? .null
        e.safetyIdentifier = given("safety_identifier") ?? .null
        e.serviceTier = given("service_tier") ?? .null
        e.store = given("store") ?? true
        e.temperature = given("temperature") ?? 1.0
        e.topP = given("top_p") ?? 1.0
        e.frequencyPenalty = given("frequency_penalty") ?? 0.0
        e.presencePenalty = given("presence_penalty") ?? 0.0
        e.toolChoice = given("tool_choice") ?? "auto"
        e.topLogprobs = given("top_logprobs") ?? 0
        e.truncation = given("truncation") ?? "disabled"
        e.user = given("user") ?? .null
        e.metadata = given("metadata") ?? [:]
        let reasoning = given("reasoning")
        e.reasoningEffort = reasoning?["effort"].flatMap { $0.isNull ? nil : $0 } ?? .null
        if let summary = reasoning?["summary"]?.stringValue ?? reasoning?["generate_summary"]?.stringValue {
            e.wantsSummary = ["auto", "concise", "detailed"].contains(summary)
            e.reasoningSummary = .string(summary == "auto" ? "detailed" : summary)
        }
        let text = given("text")
        e.text = [
            "format": text?["format"].flatMap { $0.isNull ? nil : $0 } ?? ["type": "text"],
            "verbosity": text?["verbosity"].flatMap { $0.isNull ? nil : $0 } ?? "medium",
        ]
        e.tools = .array((given("tools")?.arrayValue ?? []).map(echoTool))
        e.includeEncrypted = (given("include")?.arrayValue ?? []).contains {
            $0.stringValue == "reasoning.encrypted_content"
        }
        e.obfuscation = o["stream_options"]?["include_obfuscation"]?.boolValue ?? true
        return e
    }

    /// A function tool as OpenAI reads it back: `strict` defaults to true, and a strict schema gets
    /// `additionalProperties: false`.
    private static func echoTool(_ tool: JSONValue) -> JSONValue {
        guard tool["type"]?.stringValue == "function", let name = tool["name"] else { return tool }
        let strict = tool["strict"] ?? true
        var parameters = tool["parameters"] ?? .null
        if strict.boolValue == true, case .object(var schema) = parameters, schema["additionalProperties"] == nil {
            schema["additionalProperties"] = false
            parameters = .object(schema)
        }
        return [
            "type": "function", "description": tool["description"] ?? .null, "name": name,
            "parameters": parameters, "strict": strict,
        ]
    }

    static func missing(_ param: String) -> PlexusError {
        PlexusError(.invalidRequest, "Missing required parameter: '\(param)'.", param: param)
    }

    /// `'a', 'b', and 'c'`, as OpenAI lists supported values.
    static func quotedList(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.joined() }
        return quoted.dropLast().joined(separator: ", ") + (quoted.count > 2 ? "," : "") + " and " + quoted.last!
    }

    /// How OpenAI names a JSON type in its errors.
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .object: "an object"
        case .null: "null"
        }
    }
}

extension MockResponses {
    /// An OpenAI-style id: prefix, then 50 hex digits whose first 18 are shared by one response's ids.
    static func id(_ prefix: String, _ seed: UInt64, item: UInt64) -> String {
        var out = prefix
        out += hex(MockHash.mix(seed ^ 0x5E5_9A1D)) + "01"
        out += hex(MockHash.combine(seed, item &+ 0x17E7)) + hex(MockHash.combine(seed, item &+ 0xB0B))
        return out
    }

    static func responseID(_ s: MockScript) -> String { id("resp_", s.seed, item: 0) }
    static func reasoningID(_ s: MockScript) -> String { id("rs_", s.seed, item: 1) }
    static func messageID(_ s: MockScript) -> String { id("msg_", s.seed, item: 2) }
    static func functionCallID(_ s: MockScript, index: Int) -> String { id("fc_", s.seed, item: 100 + UInt64(index)) }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Real encrypted content is Fernet (`gAAAAAB…`, URL-safe base64); the mock's carries a `MockSigner`
    /// signature the same way, so it looks the part and survives gateways that expect the prefix.
    static let encryptedPrefix = "gAAAAAB"
    /// What the finished reasoning item's content is bound to; the in-progress copy is bound to something else.
    static let finalReasoning = "reasoning"
    static let partialReasoning = "reasoning:in_progress"

    static func encryptedContent(_ signer: MockSigner, final: Bool, nonce: UInt32) -> String {
        let signature = signer.mint(
            .responsesReasoning, content: final ? finalReasoning : partialReasoning, nonce: nonce)
        return encryptedPrefix + String(signature.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// Whether `content` is encrypted content this signer minted for a finished reasoning item.
    static func verifyEncrypted(_ content: String, signer: MockSigner) -> MockSigner.Verdict {
        guard content.hasPrefix(encryptedPrefix) else { return .notMinted }
        let signature = String(content.dropFirst(encryptedPrefix.count).map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        return signer.verify(signature, purpose: .responsesReasoning, content: finalReasoning)
    }

    /// Deterministic `obfuscation` padding: like OpenAI's, delta plus padding come to about 16 characters.
    static func obfuscation(_ seed: UInt64, sequence: Int, delta: String) -> String {
        MockHash.token(MockHash.combine(seed, UInt64(sequence) &+ 0x0BF), length: max(1, 16 - delta.count))
    }
}
