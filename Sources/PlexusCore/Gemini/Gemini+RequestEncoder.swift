extension Gemini {
    /// Encodes an IR request as a generateContent body (lowerCamelCase) for an upstream.
    public enum RequestEncoder {
        public static func encode(_ r: IR.Request) throws(PlexusError) -> JSONObject {
            try r.extensions.check(target: .gemini)
            var o = JSONObject()
            o["contents"] = .array(try contents(r.messages))
            if !r.system.isEmpty {
                var w = PartWriter(forRequest: true)
                for (j, p) in r.system.enumerated() { try w.write(p, param: "system[\(j)]") }
                o["systemInstruction"] = ["parts": .array(w.take())]
            }
            let tools = try self.tools(r.tools)
            if !tools.isEmpty { o["tools"] = .array(tools) }
            if !tools.isEmpty { o.set("toolConfig", toolConfig(r.toolChoice)) }
            let config = try generationConfig(r)
            if !config.isEmpty { o["generationConfig"] = .object(config) }
            for (k, v) in r.extensions.fields(for: .gemini).pairs where k != "generationConfig" { o[k] = v }
            return o
        }

        static func contents(_ messages: [IR.Message]) throws(PlexusError) -> [JSONValue] {
            var w = PartWriter(forRequest: true)
            for m in messages {
                for case .toolCall(let c) in m.parts { w.callNames[c.id] = c.name }
            }
            var turns: [(role: String, parts: [JSONValue])] = []
            for (i, m) in messages.enumerated() {
                let role = m.role == .assistant ? "model" : "user"
                let parts = m.role == .assistant ? ContentPolicy.assistantParts(m.parts, for: .gemini) : m.parts
                for (j, p) in parts.enumerated() { try w.write(p, param: "messages[\(i)].content[\(j)]") }
                var written = w.take()
                if role == "model" { addSkipSignature(&written) }
                guard !written.isEmpty else { continue }
                if turns.last?.role == role {
                    turns[turns.count - 1].parts.append(contentsOf: written)
                } else {
                    turns.append((role, written))
                }
            }
            return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
        }

        /// A model turn whose calls carry no Gemini signature came from another provider: mark its first call.
        static func addSkipSignature(_ parts: inout [JSONValue]) {
            guard !parts.contains(where: { $0["thoughtSignature"] != nil }),
                let k = parts.firstIndex(where: { $0["functionCall"] != nil }),
                case .object(var o) = parts[k]
            else { return }
            o["thoughtSignature"] = .string(Gemini.skipSignature)
            parts[k] = .object(o)
        }

        static func tools(_ defs: [IR.ToolDefinition]) throws(PlexusError) -> [JSONValue] {
            var decls: [JSONValue] = []
            var out: [JSONValue] = []
            for t in defs {
                if let b = t.builtin {
                    guard b.origin == .gemini else {
                        throw PlexusError.unsupported(
                            "tools[\(t.name)]", target: .gemini, detail: "a built-in tool of another API")
                    }
                    out.append(b.value)
                    continue
                }
                var d = JSONObject.make(["name": .string(t.name)])
                if let desc = t.description, !desc.isEmpty { d["description"] = .string(desc) }
                d.set("parametersJsonSchema", t.parameters)
                decls.append(.object(d))
            }
            if !decls.isEmpty { out.insert(["functionDeclarations": .array(decls)], at: 0) }
            return out
        }

        static func toolConfig(_ c: IR.ToolChoice?) -> JSONValue? {
            let fc: JSONValue
            switch c {
            case nil: return nil
            case .auto?: fc = ["mode": "AUTO"]
            case .none?: fc = ["mode": "NONE"]
            case .required?: fc = ["mode": "ANY"]
            case .tool(let name)?: fc = ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
            case .allowed(let names, let required)?:
                fc = ["mode": required ? "ANY" : "AUTO", "allowedFunctionNames": .array(names.map { .string($0) })]
            }
            return ["functionCallingConfig": fc]
        }
    }
}
