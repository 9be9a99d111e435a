extension Gemini {
    /// Decodes a generateContent request body (camelCase or snake_case) into the IR.
    public enum RequestDecoder {
        static let known: Set<String> = [
            "contents", "systemInstruction", "system_instruction", "tools", "toolConfig", "tool_config",
            "generationConfig", "generation_config", "model",
        ]
        static let knownConfig: Set<String> = [
            "maxOutputTokens", "temperature", "topP", "topK", "stopSequences", "candidateCount", "seed",
            "presencePenalty", "frequencyPenalty", "responseMimeType", "responseSchema", "responseJsonSchema",
            "_responseJsonSchema", "thinkingConfig", "responseModalities",
        ]

        /// `model` is the model named in the URL path.
        public static func decode(_ body: [UInt8], model: String?) throws(PlexusError) -> IR.Request {
            try decode(JSONInput.object(body), model: model)
        }

        public static func decode(_ o: JSONObject, model: String?) throws(PlexusError) -> IR.Request {
            let root = JSONValue.object(o)
            guard let contents = root.g("contents")?.arrayValue else {
                throw PlexusError.invalid("'contents' is required and must be an array.", param: "contents")
            }
            var r = IR.Request(model: model ?? o["model"]?.stringValue ?? "")
            if let sys = root.g("systemInstruction") {
                var d = PartDecoder(idBase: "sys")
                r.system = d.decode(sys["parts"]?.arrayValue ?? (sys.stringValue.map { [["text": .string($0)]] } ?? []))
            }
            r.messages = messages(contents)
            try decodeTools(root, into: &r)
            var ext = JSONObject()
            var required: [String] = []
            for (k, v) in o.pairs where !known.contains(k) {
                ext[k] = v
                if k == "cachedContent" || k == "cached_content" { required.append(k) }
            }
            if let config = root.g("generationConfig") {
                let extra = generationConfig(config, into: &r, required: &required)
                if !extra.isEmpty { ext["generationConfig"] = .object(extra) }
            }
            r.extensions = IR.Extensions(origin: .gemini, fields: ext, required: required)
            return r
        }

        /// History turns; calls without ids get generated ones, and their responses are matched by name in order.
        static func messages(_ contents: [JSONValue]) -> [IR.Message] {
            var out: [IR.Message] = []
            var pending: [String: [String]] = [:]
            for (i, c) in contents.enumerated() {
                let role: IR.Role = c["role"]?.stringValue == "model" ? .assistant : .user
                var d = PartDecoder(idBase: "h\(i)")
                var parts = d.decode(c["parts"]?.arrayValue ?? [])
                for (k, p) in parts.enumerated() {
                    switch p {
                    case .toolCall(let call):
                        pending[call.name, default: []].append(call.id)
                    case .toolResult(var result) where result.callID.isEmpty:
                        let name = result.name ?? ""
                        if var ids = pending[name], !ids.isEmpty {
                            result.callID = ids.removeFirst()
                            pending[name] = ids
                        } else {
                            result.callID = ToolIDs.generated(responseID: "r\(i)", index: k)
                        }
                        parts[k] = .toolResult(result)
                    case .toolResult, .text, .image, .document, .file, .thinking, .redactedThinking, .opaque:
                        break
                    }
                }
                out.append(IR.Message(role: role, parts: parts))
            }
            return out
        }
    }
}
