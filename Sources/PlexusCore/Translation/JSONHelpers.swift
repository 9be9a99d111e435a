extension JSONObject {
    /// Sets `key` only when `value` is non-nil.
    mutating func set(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }

    mutating func set(_ key: String, _ value: Int?) {
        if let value { self[key] = .number(Double(value)) }
    }

    mutating func set(_ key: String, _ value: Double?) {
        if let value { self[key] = .number(value) }
    }

    mutating func set(_ key: String, _ value: Bool?) {
        if let value { self[key] = .bool(value) }
    }

    mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { self[key] = value }
    }

    /// Copies in every member of `other` whose key is not set yet.
    mutating func merge(missing other: JSONObject) {
        for (k, v) in other.pairs where self[k] == nil { self[k] = v }
    }
}

extension JSONValue {
    /// An integer from a number or a numeric string.
    var looseInt: Int? {
        switch self {
        case .number(let n): n.isFinite && abs(n) < 9e15 ? Int(n) : nil
        case .string(let s): Int(s)
        default: nil
        }
    }

    /// A number from a number or a numeric string.
    var looseDouble: Double? {
        switch self {
        case .number(let n): n
        case .string(let s): Double(s)
        default: nil
        }
    }

    /// Gemini reads protobuf JSON: a field may be spelled `lowerCamelCase` or `snake_case`.
    func g(_ camel: String) -> JSONValue? {
        guard case .object(let o) = self else { return nil }
        if let v = o[camel] { return v }
        return o[GeminiKey.snake(camel)]
    }
}

/// camelCase to snake_case for Gemini's protobuf JSON field names.
enum GeminiKey {
    /// The names the codecs look up, converted once (the stream decoder asks for absent fields on every chunk).
    static let known: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "thoughtSignature", "functionCall", "functionResponse", "inlineData", "fileData", "mimeType", "fileUri",
            "finishReason", "usageMetadata", "promptFeedback", "blockReason", "responseId", "modelVersion",
            "promptTokenCount", "candidatesTokenCount", "cachedContentTokenCount", "thoughtsTokenCount",
            "toolUsePromptTokenCount", "totalTokenCount", "systemInstruction", "generationConfig", "toolConfig",
            "functionCallingConfig", "allowedFunctionNames", "functionDeclarations", "parametersJsonSchema",
            "maxOutputTokens", "topP", "topK", "stopSequences", "candidateCount", "presencePenalty", "frequencyPenalty",
            "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig", "thinkingBudget",
            "thinkingLevel", "includeThoughts", "responseModalities", "partialArgs", "willContinue", "jsonPath",
            "stringValue",
            "numberValue", "boolValue", "nullValue",
        ].map { ($0, convert($0)) })

    static func snake(_ camel: String) -> String {
        known[camel] ?? convert(camel)
    }

    static func convert(_ camel: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(camel.utf8.count + 4)
        for c in camel.utf8 {
            if c >= 0x41 && c <= 0x5A {
                out.append(UInt8(ascii: "_"))
                out.append(c + 0x20)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Parsing helpers that turn JSON errors into the gateway's error.
enum JSONInput {
    /// Message content in the form Chat, Responses and Anthropic share: a string is one text part, null none, and
    /// an array is read part by part by `part` (given the part's `param` path); `what` names the array form.
    static func content(
        _ v: JSONValue?, param: String, what: String = "an array",
        part: (JSONValue, String) throws(PlexusError) -> IR.Part
    ) throws(PlexusError) -> [IR.Part] {
        switch v {
        case nil, .null?: return []
        case .string(let s)?: return [.text(IR.Text(s))]
        case .array(let items)?:
            var parts: [IR.Part] = []
            for (j, item) in items.enumerated() { parts.append(try part(item, "\(param)[\(j)]")) }
            return parts
        default:
            throw PlexusError.invalid("'\(param)' must be a string or \(what).", param: param)
        }
    }

    static func parse(_ body: [UInt8]) throws(PlexusError) -> JSONValue {
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw PlexusError(.invalidRequest, "Malformed JSON body: \(error.message) at byte \(error.offset).")
        }
    }

    static func object(_ body: [UInt8]) throws(PlexusError) -> JSONObject {
        guard case .object(let o) = try parse(body) else {
            throw PlexusError(.invalidRequest, "The request body must be a JSON object.")
        }
        return o
    }

    /// Parses JSON text leniently: nil when it is not valid JSON.
    static func lenient(_ text: String) -> JSONValue? {
        try? JSONValue(parsing: text)
    }
}

extension PlexusError {
    /// A 400 naming the field at fault.
    static func invalid(_ message: String, param: String? = nil) -> PlexusError {
        PlexusError(.invalidRequest, message, param: param)
    }

    /// A 400 for a field the target protocol cannot express.
    static func unsupported(_ param: String, target: APIProtocol, detail: String = "") -> PlexusError {
        let name =
            switch target {
            case .chat: "OpenAI Chat Completions"
            case .messages: "Anthropic Messages"
            case .gemini: "Gemini"
            case .embeddings: "OpenAI Embeddings"
            case .responses: "OpenAI Responses"
            }
        let extra = detail.isEmpty ? "" : " (\(detail))"
        return PlexusError(.invalidRequest, "'\(param)' cannot be expressed in the \(name) API\(extra).", param: param)
    }
}

extension JSONObject {
    /// An ordered object from a literal list of members.
    static func make(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONObject {
        var o = JSONObject()
        for (k, v) in pairs { o[k] = v }
        return o
    }
}
