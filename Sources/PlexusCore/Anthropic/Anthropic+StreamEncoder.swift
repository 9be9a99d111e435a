extension Anthropic {
    /// Writes Messages stream events: `message_start`, contiguous content blocks from 0, `message_delta`, `message_stop`.
    public struct StreamEncoder: StreamEncoding {
        enum Kind {
            case text, thinking, tool, opaque, skipped
        }

        enum Phase {
            case waiting, started, done
        }

        let model: String
        var phase = Phase.waiting
        var id = ""
        var usage = IR.Usage()
        var stop: (reason: IR.StopReason, sequence: String?)?
        /// IR index to the client block index and kind.
        var blocks: [Int: (out: Int, kind: Kind)] = [:]
        var open: (ir: Int, out: Int)?
        var nextOut = 0
        var sawTool = false

        public init(model: String) {
            self.model = model
        }

        public mutating func encode(_ event: IR.StreamEvent) -> [UInt8] {
            guard phase != .done else { return [] }
            var out: [UInt8] = []
            switch event {
            case .start(let id, _, _):
                self.id = id
            case .usage(let u):
                usage = u
            case .blockStart(let index, let kind):
                ensureStarted(into: &out)
                blockStart(index, kind, into: &out)
            case .delta(let index, let delta):
                ensureStarted(into: &out)
                self.delta(index, delta, into: &out)
            case .blockStop(let index):
                if open?.ir == index { closeOpen(into: &out) }
            case .stop(let reason, let sequence):
                stop = (reason, sequence)
            case .error(let e):
                phase = .done
                out.append(contentsOf: e.streamEvent(for: .messages))
            }
            return out
        }

        public mutating func finish() -> [UInt8] {
            guard phase != .done else { return [] }
            var out: [UInt8] = []
            ensureStarted(into: &out)
            closeOpen(into: &out)
            let reason = stop?.reason ?? (sawTool ? .toolUse : .endTurn)
            var delta = JSONObject.make(["stop_reason": .string(stopReasonName(reason))])
            delta["stop_sequence"] = reason == .stopSequence ? stop?.sequence.map { .string($0) } ?? .null : .null
            emit(
                "message_delta", ["type": "message_delta", "delta": .object(delta), "usage": usageJSON(usage)],
                into: &out)
            emit("message_stop", ["type": "message_stop"], into: &out)
            phase = .done
            return out
        }

        /// `message_start` waits for the first content so it can carry the prompt usage that follows `.start`.
        mutating func ensureStarted(into out: inout [UInt8]) {
            guard phase == .waiting else { return }
            phase = .started
            var u = usageJSON(usage).objectValue ?? JSONObject()
            u["output_tokens"] = .number(Double(usage.completionTotal))
            let message: JSONValue = [
                "id": .string(id.isEmpty ? "msg_plexus" : id), "type": "message", "role": "assistant",
                "model": .string(model),
                "content": [], "stop_reason": nil, "stop_sequence": nil, "usage": .object(u),
            ]
            emit("message_start", ["type": "message_start", "message": message], into: &out)
        }

        mutating func blockStart(_ index: Int, _ kind: IR.BlockKind, into out: inout [UInt8]) {
            closeOpen(into: &out)
            switch kind {
            case .text:
                openBlock(index, .text, ["type": "text", "text": ""], into: &out)
            case .thinking:
                openBlock(index, .thinking, ["type": "thinking", "thinking": "", "signature": ""], into: &out)
            case .redactedThinking(let r):
                openBlock(index, .thinking, ["type": "redacted_thinking", "data": .string(r.data)], into: &out)
            case .toolCall(let id, let name, let signature):
                sawTool = true
                if let signature {
                    // Anthropic tool_use has no signature field: carry it in an empty thinking block just before.
                    openBlock(-1, .thinking, ["type": "thinking", "thinking": "", "signature": ""], into: &out)
                    delta(-1, .signature(signature), into: &out)
                    closeOpen(into: &out)
                }
                openBlock(
                    index, .tool, ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]],
                    into: &out)
            case .opaque(let o):
                if o.origin == .messages {
                    openBlock(index, .opaque, o.value, into: &out)
                } else {
                    blocks[index] = (-1, .skipped)
                }
            }
        }

        mutating func openBlock(_ index: Int, _ kind: Kind, _ block: JSONValue, into out: inout [UInt8]) {
            blocks[index] = (nextOut, kind)
            open = (index, nextOut)
            emit(
                "content_block_start",
                ["type": "content_block_start", "index": .number(Double(nextOut)), "content_block": block], into: &out)
            nextOut += 1
        }

        mutating func closeOpen(into out: inout [UInt8]) {
            guard let o = open else { return }
            emit("content_block_stop", ["type": "content_block_stop", "index": .number(Double(o.out))], into: &out)
            open = nil
        }

        mutating func delta(_ index: Int, _ delta: IR.Delta, into out: inout [UInt8]) {
            guard let block = blocks[index], block.kind != .skipped else { return }
            var outIndex = block.out
            if open?.ir != index, block.kind == .text || block.kind == .thinking {
                // A late delta for a closed text/thinking block continues in a fresh block.
                closeOpen(into: &out)
                let empty: JSONValue =
                    block.kind == .text
                    ? ["type": "text", "text": ""] : ["type": "thinking", "thinking": "", "signature": ""]
                openBlock(index, block.kind, empty, into: &out)
                outIndex = nextOut - 1
            }
            let (type, field, value): (String, String, String)
            switch delta {
            case .text(let s): (type, field, value) = ("text_delta", "text", s)
            case .thinking(let s): (type, field, value) = ("thinking_delta", "thinking", s)
            case .signature(let s):
                guard block.kind == .thinking else { return }
                (type, field, value) = ("signature_delta", "signature", SignatureTag.encode(s, native: .messages))
            case .arguments(let s): (type, field, value) = ("input_json_delta", "partial_json", s)
            }
            // The hot path: written directly rather than through a JSONValue tree.
            var json = Array(#"{"type":"content_block_delta","index":"#.utf8)
            json.append(contentsOf: String(outIndex).utf8)
            json.append(contentsOf: #","delta":{"type":""#.utf8)
            json.append(contentsOf: type.utf8)
            json.append(contentsOf: #"",""#.utf8)
            json.append(contentsOf: field.utf8)
            json.append(contentsOf: #"":"#.utf8)
            JSONWriter.writeString(value, into: &json)
            json.append(contentsOf: "}}".utf8)
            SSEWriter.append(event: "content_block_delta", json: json, into: &out)
        }

        func emit(_ name: String, _ json: JSONValue, into out: inout [UInt8]) {
            SSEWriter.append(event: name, json: json.serialized(), into: &out)
        }
    }
}
