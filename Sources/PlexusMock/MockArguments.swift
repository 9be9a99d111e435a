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
            let option = options.first(where: { typeName(of: $0) != "null" })
        {
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
