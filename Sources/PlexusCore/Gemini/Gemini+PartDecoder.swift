extension Gemini {
    /// Decodes Gemini `parts` (requests and responses alike) into IR parts.
    struct PartDecoder {
        /// Prefix for generated call ids, unique per response or history turn.
        var idBase: String
        var callCount = 0

        init(idBase: String) {
            self.idBase = idBase
        }

        mutating func decode(_ items: [JSONValue]) -> [IR.Part] {
            var out: [IR.Part] = []
            for p in items { decode(p, into: &out) }
            return out
        }

        mutating func decode(_ p: JSONValue, into out: inout [IR.Part]) {
            let sig = SignatureTag.decode(p.g("thoughtSignature")?.stringValue, native: .gemini)
            if p["thought"]?.boolValue == true {
                thought(p.g("text")?.stringValue ?? "", sig, into: &out)
                return
            }
            if let call = p.g("functionCall") {
                var signature: IR.Signature?
                switch sig {
                case .signature(let s)?: signature = s
                case .redacted(let r)?: out.append(.redactedThinking(r))
                case nil: break
                }
                out.append(.toolCall(toolCall(call, signature: signature)))
                return
            }
            switch sig {
            // Gemini signs the part after thoughts.
            case .signature(let s)?: out.append(.thinking(IR.Thinking("", signature: s)))
            case .redacted(let r)?: out.append(.redactedThinking(r))
            case nil: break
            }
            out.append(plain(p))
        }

        /// Consecutive unsigned thought parts (a stream split into pieces) merge into one thinking part.
        func thought(_ text: String, _ sig: IR.SignatureContent?, into out: inout [IR.Part]) {
            if case .redacted(let r)? = sig {
                out.append(.redactedThinking(r))
                return
            }
            var signature: IR.Signature?
            if case .signature(let s)? = sig { signature = s }
            if case .thinking(let prev)? = out.last, prev.signature == nil, !prev.text.isEmpty {
                out[out.count - 1] = .thinking(IR.Thinking(prev.text + text, signature: signature))
            } else {
                out.append(.thinking(IR.Thinking(text, signature: signature)))
            }
        }

        mutating func toolCall(_ call: JSONValue, signature: IR.Signature?) -> IR.ToolCall {
            let id = call["id"]?.stringValue ?? ToolIDs.generated(responseID: idBase, index: callCount)
            callCount += 1
            return IR.ToolCall(
                id: id, name: call["name"]?.stringValue ?? "", arguments: Self.arguments(call), signature: signature)
        }

        /// `args`, or the text of `partialArgs` pieces when a call arrives in that form outside a stream.
        static func arguments(_ call: JSONValue) -> String {
            guard call["args"] == nil, let pieces = call.g("partialArgs")?.arrayValue, !pieces.isEmpty else {
                return ToolArguments.text(from: call["args"])
            }
            var w = ArgumentWriter()
            return pieces.map { w.piece($0) }.joined() + w.finish()
        }

        func plain(_ p: JSONValue) -> IR.Part {
            if let text = p.g("text")?.stringValue { return .text(IR.Text(text)) }
            if let d = p.g("inlineData") {
                let type = d.g("mimeType")?.stringValue ?? "application/octet-stream"
                return MediaHelpers.part(
                    for: IR.Media(source: .base64(mediaType: type, data: d["data"]?.stringValue ?? "")))
            }
            if let f = p.g("fileData") {
                let uri = f.g("fileUri")?.stringValue ?? ""
                let type = f.g("mimeType")?.stringValue ?? MediaHelpers.guessMediaType(url: uri)
                let m = IR.Media(source: .url(uri, mediaType: type))
                return type == nil ? .file(m) : MediaHelpers.part(for: m)
            }
            if let r = p.g("functionResponse") {
                let response = r["response"] ?? .object(JSONObject())
                let isError = response["error"] != nil && response["output"] == nil
                var content: [IR.Part] = [.text(IR.Text(response.jsonString))]
                var inner = PartDecoder(idBase: idBase)
                content.append(contentsOf: inner.decode(r["parts"]?.arrayValue ?? []))
                return .toolResult(
                    IR.ToolResult(
                        callID: r["id"]?.stringValue ?? "", name: r["name"]?.stringValue,
                        content: content, isError: isError))
            }
            return .opaque(IR.Opaque(origin: .gemini, value: p))
        }
    }
}
