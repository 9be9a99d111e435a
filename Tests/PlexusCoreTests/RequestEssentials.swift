import PlexusCore

/// What must survive any translation of a request, normalised for the spellings protocols may legitimately change.
struct RequestEssentials: Equatable, CustomStringConvertible {
    var system = ""
    /// Conversation items in order: `user:text`, `assistant:call:name(args)`, `user:result:text`, `user:image:…`.
    var items: [String] = []
    var tools: [String] = []
    var toolChoice = ""
    var sampling = ""
    var reasoning = ""
    var format = ""

    var description: String {
        "system=\(system.prefix(40).debugDescription) items=\(items.map { String($0.prefix(80)) }) tools=\(tools.map { String($0.prefix(80)) }) "
            + "choice=\(toolChoice) sampling=\(sampling) reasoning=\(reasoning) format=\(format)"
    }

    init(_ r: IR.Request, defaultMaxTokens: Bool = false) {
        system = r.system.map { if case .text(let t) = $0 { t.text } else { "<media>" } }.joined()
        var calls: [String: String] = [:]
        for m in r.messages {
            let side = m.role == .assistant ? "assistant" : "user"
            for p in m.parts { append(side, p, calls: &calls) }
        }
        tools = r.tools.map { "\($0.name):\($0.description ?? ""):\(Self.schema($0.parameters).jsonString)" }
        toolChoice = r.toolChoice.map { "\($0)" } ?? "-"
        let maxTokens = defaultMaxTokens ? "-" : r.maxOutputTokens.map(String.init) ?? "-"
        sampling =
            "max=\(maxTokens) t=\(r.temperature.map { "\($0)" } ?? "-") p=\(r.topP.map { "\($0)" } ?? "-") "
            + "k=\(r.topK.map { "\($0)" } ?? "-") stop=\(r.stopSequences) stream=\(r.stream)"
        reasoning = r.reasoning.map { "\($0.effort.map(\.rawValue) ?? "dynamic")" } ?? "-"
        format =
            r.responseFormat.map { f in
                switch f {
                case .text: "text"
                case .jsonObject: "json"
                case .jsonSchema(_, let schema, _, _): "schema:\(schema.jsonString)"
                }
            } ?? "-"
    }

    mutating func append(_ side: String, _ p: IR.Part, calls: inout [String: String]) {
        switch p {
        case .text(let t):
            guard !t.text.isEmpty else { return }
            // Neighbouring texts may be joined by a protocol; compare them joined.
            if let last = items.last, last.hasPrefix("\(side):text:") {
                items[items.count - 1] = last + t.text
            } else {
                items.append("\(side):text:\(t.text)")
            }
        case .image(let m): items.append("\(side):image:\(Self.media(m))")
        case .document(let m): items.append("\(side):document:\(Self.media(m))")
        case .file(let m): items.append("\(side):file:\(Self.media(m))")
        case .toolCall(let c):
            calls[c.id] = c.name
            items.append("\(side):call:\(c.name)(\(Essentials.args(c.arguments).jsonString))")
        case .toolResult(let r):
            // Results must point at a call of the same name; Gemini wraps plain text as {"output": text}.
            let linked = calls[r.callID] ?? "UNLINKED"
            items.append("\(side):result:\(r.name ?? linked)=\(linked):\(Self.resultText(r.text))")
        case .thinking(let t): items.append("\(side):thinking:\(t.text.count)")
        case .redactedThinking: items.append("\(side):redacted")
        case .opaque(let o): items.append("\(side):opaque:\(o.origin)")
        }
    }

    static func resultText(_ text: String) -> String {
        if let o = (try? JSONValue(parsing: text))?.objectValue, o.count == 1, let s = o["output"]?.stringValue {
            return s
        }
        return text
    }

    static func media(_ m: IR.Media) -> String {
        switch m.source {
        case .base64(let type, let data):
            let standard = String(data.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
            return "\(type):\(standard.count):\(standard.suffix(32))"
        case .url(let url, _): return url
        }
    }

    /// Gemini's OpenAPI schemas spell types in capitals; compare in JSON Schema spelling.
    static func schema(_ v: JSONValue?) -> JSONValue {
        guard let v else { return ["type": "object", "properties": [:]] }
        switch v {
        case .object(let o):
            var out = JSONObject()
            for (k, val) in o.pairs {
                out[k] = k == "type" ? (val.stringValue.map { .string($0.lowercased()) } ?? val) : schema(val)
            }
            return .object(out)
        case .array(let a): return .array(a.map { schema($0) })
        default: return v
        }
    }
}
