extension Gemini {
    /// Writes streamed `GenerateContentResponse` chunks, as SSE or as one JSON array streamed element by element.
    ///
    /// Text and thoughts go out as they come; a function call goes out whole once its arguments are complete;
    /// the last chunk carries `finishReason` and `usageMetadata`.
    public struct StreamEncoder: StreamEncoding {
        enum Kind {
            case text, thinking, tool, skipped
        }

        struct PendingCall {
            var id: String
            var name: String
            var signature: IR.Signature?
            var arguments = ""
        }

        let model: String
        let jsonArray: Bool
        var id = ""
        var framesWritten = 0
        var done = false
        var usage: IR.Usage?
        var stop: IR.StopReason?
        var blocks: [Int: Kind] = [:]
        var thoughtText: Set<Int> = []
        var calls: [Int: PendingCall] = [:]
        var pendingSignature: String?

        public init(model: String, jsonArray: Bool) {
            self.model = model
            self.jsonArray = jsonArray
        }

        public mutating func encode(_ event: IR.StreamEvent) -> [UInt8] {
            guard !done else { return [] }
            var out: [UInt8] = []
            switch event {
            case .start(let id, _, _): self.id = id
            case .blockStart(let index, let kind): blockStart(index, kind, into: &out)
            case .delta(let index, let delta): self.delta(index, delta, into: &out)
            case .blockStop(let index): flushCall(index, into: &out)
            case .usage(let u): usage = u
            case .stop(let reason, _): stop = reason
            case .error(let e):
                frame(e.body(for: .gemini), into: &out)
                if jsonArray { out.append(UInt8(ascii: "]")) }
                done = true
            }
            return out
        }

        public mutating func finish() -> [UInt8] {
            guard !done else { return [] }
            var out: [UInt8] = []
            for index in calls.keys.sorted() { flushCall(index, into: &out) }
            let hasCall = blocks.values.contains { if case .tool = $0 { true } else { false } }
            var candidate = JSONObject()
            var last: [JSONValue] = [["text": ""]]
            if let sig = pendingSignature { last = [["text": "", "thoughtSignature": .string(sig)]] }
            candidate["content"] = ["parts": .array(last), "role": "model"]
            candidate["finishReason"] = .string(finishReason(stop ?? (hasCall ? .toolUse : .endTurn)))
            candidate["index"] = 0
            var o = JSONObject.make(["candidates": [.object(candidate)]])
            if let usage { o["usageMetadata"] = usageJSON(usage) }
            o["modelVersion"] = .string(model)
            o["responseId"] = .string(id)
            frame(JSONValue.object(o).serialized(), into: &out)
            if jsonArray { out.append(UInt8(ascii: "]")) }
            done = true
            return out
        }

        mutating func blockStart(_ index: Int, _ kind: IR.BlockKind, into out: inout [UInt8]) {
            switch kind {
            case .text: blocks[index] = .text
            case .thinking: blocks[index] = .thinking
            case .redactedThinking(let r):
                blocks[index] = .skipped
                emit(
                    [
                        "text": "", "thought": true,
                        "thoughtSignature": .string(SignatureTag.encodeRedacted(r, native: .gemini)),
                    ], into: &out)
            case .toolCall(let id, let name, let signature):
                blocks[index] = .tool
                calls[index] = PendingCall(id: id, name: name, signature: signature)
            case .opaque(let o):
                blocks[index] = .skipped
                if o.origin == .gemini { emit(o.value, into: &out) }
            }
        }

        mutating func delta(_ index: Int, _ delta: IR.Delta, into out: inout [UInt8]) {
            switch delta {
            case .text(let s):
                if !s.isEmpty { emit(["text": .string(s)], into: &out) }
            case .thinking(let s):
                guard !s.isEmpty else { return }
                thoughtText.insert(index)
                emit(["text": .string(s), "thought": true], into: &out)
            case .signature(let s):
                if blocks[index] == .tool {
                    calls[index]?.signature = s
                } else if s.origin == .gemini && !thoughtText.contains(index) {
                    pendingSignature = s.value  // Gemini's own convention: it rides on the next part
                } else {
                    emit(
                        [
                            "text": "", "thought": true,
                            "thoughtSignature": .string(SignatureTag.encode(s, native: .gemini)),
                        ], into: &out)
                }
            case .arguments(let s):
                calls[index]?.arguments += s
            }
        }

        mutating func flushCall(_ index: Int, into out: inout [UInt8]) {
            guard let call = calls.removeValue(forKey: index) else { return }
            var part = JSONObject.make([
                "functionCall": [
                    "id": .string(call.id), "name": .string(call.name),
                    "args": ToolArguments.object(from: call.arguments),
                ]
            ])
            if let s = call.signature { part["thoughtSignature"] = .string(SignatureTag.encode(s, native: .gemini)) }
            emit(.object(part), into: &out)
        }

        /// One chunk holding one part.
        mutating func emit(_ part: JSONValue, into out: inout [UInt8]) {
            var part = part
            if let sig = pendingSignature, case .object(var o) = part, o["thoughtSignature"] == nil {
                o["thoughtSignature"] = .string(sig)
                part = .object(o)
                pendingSignature = nil
            }
            var json = Array(#"{"candidates":[{"content":{"parts":["#.utf8)
            JSONWriter.write(part, into: &json)
            json.append(contentsOf: #"],"role":"model"},"index":0}],"modelVersion":"#.utf8)
            JSONWriter.writeString(model, into: &json)
            json.append(contentsOf: #","responseId":"#.utf8)
            JSONWriter.writeString(id, into: &json)
            json.append(UInt8(ascii: "}"))
            frame(json, into: &out)
        }

        mutating func frame(_ json: [UInt8], into out: inout [UInt8]) {
            if jsonArray {
                out.append(framesWritten == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
                out.append(contentsOf: json)
                out.append(0x0A)
            } else {
                SSEWriter.append(event: nil, json: json, into: &out)
            }
            framesWritten += 1
        }
    }
}
