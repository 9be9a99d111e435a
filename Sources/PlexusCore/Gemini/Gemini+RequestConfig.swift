extension Gemini.RequestDecoder {
    /// Reads `generationConfig`; returns the members the IR has no place for.
    static func generationConfig(_ c: JSONValue, into r: inout IR.Request, required: inout [String]) -> JSONObject {
        r.maxOutputTokens = c.g("maxOutputTokens")?.looseInt
        r.temperature = c.g("temperature")?.looseDouble
        r.topP = c.g("topP")?.looseDouble
        r.topK = c.g("topK")?.looseInt
        r.stopSequences = c.g("stopSequences")?.arrayValue?.compactMap(\.stringValue) ?? []
        r.candidateCount = c.g("candidateCount")?.looseInt
        r.seed = c.g("seed")?.looseInt
        r.presencePenalty = c.g("presencePenalty")?.looseDouble
        r.frequencyPenalty = c.g("frequencyPenalty")?.looseDouble
        if let t = c.g("thinkingConfig") { r.reasoning = reasoning(t) }
        let mime = c.g("responseMimeType")?.stringValue
        if let schema = c.g("responseJsonSchema") ?? c["_responseJsonSchema"] {
            r.responseFormat = .jsonSchema(name: nil, schema: schema, strict: nil, description: nil)
        } else if let schema = c.g("responseSchema") {
            r.responseFormat = .jsonSchema(
                name: nil, schema: Gemini.jsonSchema(fromOpenAPI: schema), strict: nil, description: nil)
        } else if mime == "application/json" {
            r.responseFormat = .jsonObject
        }
        if let modalities = c.g("responseModalities")?.arrayValue,
            modalities.contains(where: { $0.stringValue != "TEXT" })
        {
            required.append("generationConfig.responseModalities")
        }
        var extra = JSONObject()
        guard case .object(let o) = c else { return extra }
        for (k, v) in o.pairs where !knownConfig.contains(k) && !knownConfig.contains(camel(k)) {
            extra[camel(k)] = v
            if camel(k) == "responseLogprobs" && v.boolValue == true {
                required.append("generationConfig.responseLogprobs")
            }
            if camel(k) == "speechConfig" { required.append("generationConfig.speechConfig") }
        }
        if let modalities = c.g("responseModalities") { extra["responseModalities"] = modalities }
        return extra
    }

    static func reasoning(_ t: JSONValue) -> IR.Reasoning {
        let include = t.g("includeThoughts")?.boolValue
        if let level = t.g("thinkingLevel")?.stringValue?.lowercased() {
            return IR.Reasoning(mode: .effort(IR.Effort(rawValue: level) ?? .medium), includeThoughts: include)
        }
        let budget = t.g("thinkingBudget")?.looseInt ?? -1
        switch budget {
        case 0: return IR.Reasoning(mode: .disabled, includeThoughts: include)
        case ..<0: return IR.Reasoning(mode: .dynamic, includeThoughts: include)
        default: return IR.Reasoning(mode: .budget(budget), includeThoughts: include)
        }
    }

    /// snake_case to camelCase.
    static func camel(_ key: String) -> String {
        guard key.contains("_"), !key.hasPrefix("_") else { return key }
        var out = ""
        var upper = false
        for ch in key {
            if ch == "_" {
                upper = true
                continue
            }
            out.append(upper ? Character(ch.uppercased()) : ch)
            upper = false
        }
        return out
    }

    static func decodeTools(_ root: JSONValue, into r: inout IR.Request) throws(PlexusError) {
        for (i, t) in (root.g("tools")?.arrayValue ?? []).enumerated() {
            guard let decls = t.g("functionDeclarations")?.arrayValue else {
                let name = t.objectValue?.keys.first ?? "tool"
                r.tools.append(IR.ToolDefinition(name: name, builtin: IR.Opaque(origin: .gemini, value: t)))
                continue
            }
            for (j, d) in decls.enumerated() {
                guard let name = d["name"]?.stringValue else {
                    throw PlexusError.invalid(
                        "'tools[\(i)].functionDeclarations[\(j)].name' is required.",
                        param: "tools[\(i)].functionDeclarations[\(j)].name")
                }
                let schema = d.g("parametersJsonSchema") ?? d.g("parameters").map(Gemini.jsonSchema(fromOpenAPI:))
                r.tools.append(
                    IR.ToolDefinition(name: name, description: d["description"]?.stringValue, parameters: schema))
            }
        }
        guard let fc = root.g("toolConfig")?.g("functionCallingConfig") else { return }
        let names = fc.g("allowedFunctionNames")?.arrayValue?.compactMap(\.stringValue) ?? []
        let all = Set(r.tools.filter { $0.builtin == nil }.map(\.name))
        let mode = fc["mode"]?.stringValue ?? "AUTO"
        switch mode {
        case "NONE": r.toolChoice = IR.ToolChoice.none
        case "ANY" where names.count == 1 && all.count > 1: r.toolChoice = .tool(names[0])
        case "ANY" where names.isEmpty || all.isSubset(of: Set(names)): r.toolChoice = .required
        case "ANY": r.toolChoice = .allowed(names, required: true)
        default: r.toolChoice = names.isEmpty || all.isSubset(of: Set(names)) ? .auto : .allowed(names, required: false)
        }
    }
}

extension Gemini {
    /// Gemini's OpenAPI-subset schema (`"type": "STRING"`) as JSON Schema (`"type": "string"`).
    static func jsonSchema(fromOpenAPI v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            var out = JSONObject()
            for (k, val) in o.pairs {
                if k == "type", let s = val.stringValue {
                    out[k] = .string(s.lowercased())
                } else {
                    out[k] = jsonSchema(fromOpenAPI: val)
                }
            }
            return .object(out)
        case .array(let a):
            return .array(a.map(jsonSchema(fromOpenAPI:)))
        default:
            return v
        }
    }
}
