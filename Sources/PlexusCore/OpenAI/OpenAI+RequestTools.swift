extension OpenAI.RequestDecoder {
    static func decodeTools(_ o: JSONObject, into r: inout IR.Request) throws(PlexusError) {
        for (i, t) in (o["tools"]?.arrayValue ?? []).enumerated() {
            if t["type"]?.stringValue == "function" || t["type"] == nil, let fn = t["function"] {
                guard let name = fn["name"]?.stringValue else {
                    throw PlexusError.invalid(
                        "'tools[\(i)].function.name' is required.", param: "tools[\(i)].function.name")
                }
                r.tools.append(
                    IR.ToolDefinition(
                        name: name, description: fn["description"]?.stringValue,
                        parameters: fn["parameters"], strict: fn["strict"]?.boolValue))
            } else {
                let name = t["type"]?.stringValue ?? "tool"
                r.tools.append(IR.ToolDefinition(name: name, builtin: IR.Opaque(origin: .chat, value: t)))
            }
        }
        for f in o["functions"]?.arrayValue ?? [] {
            guard let name = f["name"]?.stringValue else { continue }
            r.tools.append(
                IR.ToolDefinition(name: name, description: f["description"]?.stringValue, parameters: f["parameters"]))
        }
        r.toolChoice = try toolChoice(o["tool_choice"] ?? o["function_call"])
    }

    static func toolChoice(_ v: JSONValue?) throws(PlexusError) -> IR.ToolChoice? {
        switch v {
        case nil, .null?: return nil
        case .string("auto")?: return .auto
        case .string("none")?: return IR.ToolChoice.none
        case .string("required")?: return .required
        case .object(let c)?:
            if let name = c["function"]?["name"]?.stringValue ?? c["name"]?.stringValue { return .tool(name) }
            if let allowed = c["allowed_tools"] {
                let names = (allowed["tools"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue }
                return .allowed(names, required: allowed["mode"]?.stringValue == "required")
            }
            throw PlexusError.invalid("Unrecognised 'tool_choice'.", param: "tool_choice")
        default:
            throw PlexusError.invalid("Unrecognised 'tool_choice'.", param: "tool_choice")
        }
    }
}
