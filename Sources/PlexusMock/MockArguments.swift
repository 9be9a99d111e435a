import PlexusCore

/// Builds tool-call arguments that fit a declared JSON schema (OpenAPI or Gemini spelling).
enum MockArguments {
    /// Sample strings, cycled by call index so parallel calls differ.
    static let samples = ["Paris", "London", "Tokyo", "Berlin", "Madrid", "Rome", "Oslo", "Lima"]

    /// An object of arguments for `schema`; required properties, else the first three.
    static func generate(schema: JSONValue?, index: Int) -> JSONValue {
        guard let schema else { return .object(JSONObject()) }
        let generated = value(for: schema, index: index, depth: 0)
        if case .object = generated { return generated }
        return .object(JSONObject())
    }

    static func value(for schema: JSONValue, index: Int, depth: Int) -> JSONValue {
        guard depth < 8, case .object(let s) = schema else { return .string(samples[index % samples.count]) }
        if let first = s["enum"]?.arrayValue?.first { return first }
        if let options = (s["anyOf"] ?? s["oneOf"] ?? s["any_of"])?.arrayValue,
           let option = options.first(where: { typeName(of: $0) != "null" }) {
            return value(for: option, index: index, depth: depth + 1)
        }
        switch typeName(of: schema) {
        case "string": return .string(samples[index % samples.count])
        case "integer": return .number(Double(42 + index))
        case "number": return .number(Double(42 + index) + 0.5)
        case "boolean": return .bool(index % 2 == 0)
        case "array":
            guard let items = s["items"] else { return .array([]) }
            return .array([value(for: items, index: index, depth: depth + 1)])
        case "null": return .null
        default: return object(for: s, index: index, depth: depth)
        }
    }

    /// The schema's type, lower-cased (Gemini writes `STRING`); the first non-null of a type list.
    static func typeName(of schema: JSONValue) -> String? {
        switch schema["type"] {
        case .string(let t): return t.lowercased()
        case .array(let list):
            return list.compactMap(\.stringValue).map { $0.lowercased() }.first { $0 != "null" } ?? "null"
        default: return schema["properties"] != nil ? "object" : nil
        }
    }

    private static func object(for s: JSONObject, index: Int, depth: Int) -> JSONValue {
        var out = JSONObject()
        guard let properties = s["properties"]?.objectValue else { return .object(out) }
        let required = (s["required"]?.arrayValue ?? []).compactMap(\.stringValue).filter { properties[$0] != nil }
        let keys = required.isEmpty ? Array(properties.keys.prefix(3)) : required
        for key in keys {
            out[key] = value(for: properties[key] ?? .null, index: index, depth: depth + 1)
        }
        return .object(out)
    }
}

/// Token estimates for prompts (about four characters per token, media at a flat rate) and a content
/// digest that ignores the stream flags, so a unary and a streamed request get the same answer.
enum MockTokenEstimate {
    /// Flat cost of one inline image or document payload (Gemini's per-image figure).
    static let mediaTokens = 258
    /// Keys that change the transport, not the answer.
    private static let transportKeys: Set<String> = ["stream", "stream_options"]

    /// Estimated prompt tokens of a request body (every string except the model name).
    static func inputTokens(of body: JSONValue) -> Int { scan(body).tokens }

    /// Prompt tokens and content digest in one walk.
    static func scan(_ body: JSONValue) -> (tokens: Int, digest: UInt64) {
        var walker = Walker()
        walker.walk(body, key: nil)
        return (max(1, (walker.chars + 3) / 4 + walker.media * mediaTokens), MockHash.mix(walker.digest))
    }

    private struct Walker {
        var chars = 0
        var media = 0
        var digest: UInt64 = 0x9E37_79B9_7F4A_7C15

        mutating func walk(_ value: JSONValue, key: String?) {
            switch value {
            case .string(let s):
                digest = MockHash.combine(digest, MockHash.hash64(s))
                if key == "model" { return }
                if key == "data" || s.hasPrefix("data:") || s.utf8.count > 16_384 { media += 1 } else { chars += s.utf8.count }
            case .array(let items):
                for item in items { walk(item, key: key) }
            case .object(let o):
                for (k, v) in o.pairs where !transportKeys.contains(k) {
                    digest = MockHash.combine(digest, MockHash.hash64(k))
                    walk(v, key: k)
                }
            case .number(let n):
                digest = MockHash.combine(digest, n.bitPattern)
            case .bool(let b):
                digest = MockHash.combine(digest, b ? 1 : 2)
            case .null:
                digest = MockHash.combine(digest, 3)
            }
        }
    }
}
