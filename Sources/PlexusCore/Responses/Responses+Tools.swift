extension Responses.RequestDecoder {
    /// `tools`: functions are flat (`{type: function, name, description, parameters, strict}`); every other type is a
    /// built-in tool (web search, file search, code interpreter, computer use, MCP, image generation, shell, custom
    /// free-form tools…) that only a Responses target runs, so toward another protocol the request fails naming it.
    static func decodeTools(_ o: JSONObject, into r: inout IR.Request) throws(PlexusError) {
        for (i, t) in (o["tools"]?.arrayValue ?? []).enumerated() {
            let type = t["type"]?.stringValue ?? "function"
            guard type == "function" else {
                // A custom tool is named by its own name, a built-in tool by its type.
                let name = type == "custom" ? t["name"]?.stringValue ?? type : type
                r.tools.append(IR.ToolDefinition(name: name, builtin: IR.Opaque(origin: .responses, value: t)))
                continue
            }
            guard let name = t["name"]?.stringValue else {
                throw PlexusError.invalid("'tools[\(i)].name' is required.", param: "tools[\(i)].name")
            }
            let parameters = t["parameters"].flatMap { $0 == .null ? nil : $0 }
            r.tools.append(
                IR.ToolDefinition(
                    name: name, description: t["description"]?.stringValue, parameters: parameters,
                    strict: t["strict"]?.boolValue))
        }
        r.toolChoice = try toolChoice(o["tool_choice"])
    }

    /// `auto` / `none` / `required`, a named function, or `allowed_tools`; a built-in tool choice stays verbatim
    /// in the extensions (`toolChoiceIsBuiltin`).
    static func toolChoice(_ v: JSONValue?) throws(PlexusError) -> IR.ToolChoice? {
        switch v {
        case nil, .null?: return nil
        case .string("auto")?: return .auto
        case .string("none")?: return IR.ToolChoice.none
        case .string("required")?: return .required
        case .object(let c)?:
            switch c["type"]?.stringValue {
            case "function"?:
                guard let name = c["name"]?.stringValue else { break }
                return .tool(name)
            case "allowed_tools"?:
                let names = (c["tools"]?.arrayValue ?? []).compactMap {
                    $0["type"]?.stringValue == "function" ? $0["name"]?.stringValue : nil
                }
                return .allowed(names, required: c["mode"]?.stringValue == "required")
            default:
                if toolChoiceIsBuiltin(.object(c)) { return nil }
            }
            throw PlexusError.invalid("Unrecognised 'tool_choice'.", param: "tool_choice")
        default:
            throw PlexusError.invalid("Unrecognised 'tool_choice'.", param: "tool_choice")
        }
    }

    /// A choice that forces a built-in tool (`{type: web_search}`, `{type: mcp, server_label}`, `{type: custom, name}`).
    static func toolChoiceIsBuiltin(_ v: JSONValue) -> Bool {
        guard let type = v["type"]?.stringValue else { return false }
        return type != "function" && type != "allowed_tools"
    }
}

extension Responses.RequestEncoder {
    /// A function tool, flat. Responses makes functions strict unless told otherwise (Chat, Anthropic and Gemini
    /// do not), so a tool that did not ask for strictness says `strict: false`; a Responses client's own tools keep
    /// the default they relied on.
    static func tool(_ t: IR.ToolDefinition, origin: APIProtocol?) throws(PlexusError) -> JSONValue {
        if let b = t.builtin {
            guard b.origin == .responses else {
                throw PlexusError.unsupported(
                    "tools[\(t.name)]", target: .responses, detail: "a built-in tool of another API")
            }
            return b.value
        }
        var o = JSONObject.make(["type": "function", "name": .string(t.name)])
        o.set("description", t.description)
        o["parameters"] = t.parameters ?? ["type": "object", "properties": [:]]
        o.set("strict", t.strict ?? (origin == .responses ? nil : false))
        return .object(o)
    }

    static func toolChoice(_ c: IR.ToolChoice?) -> JSONValue? {
        switch c {
        case nil: nil
        case .auto?: "auto"
        case .none?: "none"
        case .required?: "required"
        case .tool(let name)?: ["type": "function", "name": .string(name)]
        case .allowed(let names, let required)?:
            [
                "type": "allowed_tools", "mode": required ? "required" : "auto",
                "tools": .array(names.map { ["type": "function", "name": .string($0)] }),
            ]
        }
    }
}
