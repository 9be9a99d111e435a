extension Gemini {
    /// Writes IR parts as Gemini parts; a Gemini signature carried by an empty thinking part moves onto the next part.
    struct PartWriter {
        /// Request mode refuses what Gemini cannot take and only keeps Gemini signatures; response mode tags foreign ones.
        let forRequest: Bool
        /// Call id to function name, for `functionResponse.name`.
        var callNames: [String: String] = [:]
        var pending: String?
        var parts: [JSONValue] = []

        init(forRequest: Bool) {
            self.forRequest = forRequest
        }

        /// Takes the written parts, flushing a signature that had no part after it.
        mutating func take() -> [JSONValue] {
            if let sig = pending { parts.append(["text": "", "thoughtSignature": .string(sig)]) }
            pending = nil
            defer { parts = [] }
            return parts
        }

        mutating func append(_ p: JSONValue) {
            guard let sig = pending, case .object(var o) = p else {
                parts.append(p)
                return
            }
            pending = nil
            if o["thoughtSignature"] == nil {
                o["thoughtSignature"] = .string(sig)
                parts.append(.object(o))
            } else {
                // Never overwrite one signature with another.
                parts.append(["text": "", "thoughtSignature": .string(sig)])
                parts.append(p)
            }
        }

        /// Thoughts after an unsigned one join it, as Gemini's decoder joins them (a stream splits thoughts into
        /// pieces): written apart, two thinking parts would read back as one, and a resent request would change.
        mutating func mergeThought(_ text: String, signature: String?) -> Bool {
            guard pending == nil, case .object(var last)? = parts.last, last["thought"] == .bool(true),
                last["thoughtSignature"] == nil, let previous = last["text"]?.stringValue, !previous.isEmpty
            else { return false }
            last["text"] = .string(previous + text)
            last.set("thoughtSignature", signature)
            parts[parts.count - 1] = .object(last)
            return true
        }

        func signatureText(_ s: IR.Signature?) -> String? {
            guard let s else { return nil }
            if forRequest { return s.origin == .gemini ? s.value : nil }
            return SignatureTag.encode(s, native: .gemini)
        }

        mutating func write(_ p: IR.Part, param: String) throws(PlexusError) {
            switch p {
            case .text(let t):
                append(["text": .string(t.text)])
            case .image(let m), .document(let m), .file(let m):
                append(try media(m, param: param))
            case .thinking(let t):
                let sig = signatureText(t.signature)
                if t.text.isEmpty && sig == nil { return }
                if t.text.isEmpty, t.signature?.origin == .gemini, let sig {
                    pending = sig
                    return
                }
                if mergeThought(t.text, signature: sig) { return }
                var o = JSONObject.make(["text": .string(t.text), "thought": true])
                o.set("thoughtSignature", sig)
                append(.object(o))
            case .redactedThinking(let r):
                guard !forRequest else { return }
                append([
                    "text": "", "thought": true,
                    "thoughtSignature": .string(SignatureTag.encodeRedacted(r, native: .gemini)),
                ])
            case .toolCall(let c):
                var o = JSONObject.make([
                    "functionCall": [
                        "id": .string(c.id), "name": .string(c.name),
                        "args": ToolArguments.object(from: c.arguments),
                    ]
                ])
                o.set("thoughtSignature", signatureText(c.signature))
                append(.object(o))
            case .toolResult(let r):
                try toolResult(r, param: param)
            case .opaque(let o):
                if o.origin == .gemini {
                    append(o.value)
                    return
                }
                if forRequest { try ContentPolicy.checkOpaque(p, target: .gemini, param: param) }
            }
        }

        mutating func toolResult(_ r: IR.ToolResult, param: String) throws(PlexusError) {
            guard let name = r.name ?? callNames[r.callID] else {
                throw PlexusError.invalid(
                    "'\(param)': tool result for call id '\(r.callID)' matches no earlier tool call.", param: param)
            }
            let text = r.text
            var response: JSONValue
            if case .object? = JSONInput.lenient(text) {
                response = JSONInput.lenient(text) ?? [:]
            } else {
                response = r.isError ? ["error": .string(text)] : ["output": .string(text)]
            }
            if r.isError, response["error"] == nil { response = ["error": response] }
            append(["functionResponse": ["id": .string(r.callID), "name": .string(name), "response": response]])
            for (k, inner) in r.content.enumerated() {
                if case .text = inner { continue }
                try write(inner, param: "\(param).content[\(k)]")
            }
        }

        func media(_ m: IR.Media, param: String) throws(PlexusError) -> JSONValue {
            switch m.source {
            case .base64(let type, let data):
                return ["inlineData": ["mimeType": .string(type), "data": .string(data)]]
            case .url(let url, let type):
                guard let mime = type ?? MediaHelpers.guessMediaType(url: url) else {
                    if !forRequest { return ["fileData": ["fileUri": .string(url)]] }
                    throw PlexusError.invalid(
                        "'\(param)': Gemini needs a media type for URL '\(url)' and none can be guessed from it.",
                        param: param)
                }
                return ["fileData": ["mimeType": .string(mime), "fileUri": .string(url)]]
            }
        }
    }
}
