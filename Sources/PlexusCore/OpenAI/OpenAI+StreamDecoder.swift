extension OpenAI {
    /// Decodes `chat.completion.chunk` events; only choice 0 is followed.
    public struct StreamDecoder: StreamDecoding {
        enum Open: Equatable {
            case text, thinking
            case tool(Int)
        }

        var started = false
        var responseID = ""
        var open: (kind: Open, index: Int)?
        var nextIndex = 0
        var toolBlocks: [Int: Int] = [:]
        var toolIDs: [Int: String] = [:]
        /// Upstream index to the key of the latest call that reused it.
        var aliases: [Int: Int] = [:]
        var sawToolCall = false
        /// Text of the open thinking block, to recognise a `thinking_blocks` entry that restates it whole.
        var thinkingSoFar = ""

        public init() {}

        public mutating func decode(_ event: SSEEvent) throws(PlexusError) -> [IR.StreamEvent] {
            if event.data == "[DONE]" { return [] }
            let chunk = try JSONValue.upstreamEvent(event.data)
            if let err = chunk["error"], case .object = err {
                return [.error(ErrorCodec.decode(status: 200, json: chunk))]
            }
            var out: [IR.StreamEvent] = []
            if !started {
                started = true
                responseID = chunk["id"]?.stringValue ?? ""
                out.append(
                    .start(
                        id: responseID, model: chunk["model"]?.stringValue ?? "", created: chunk["created"]?.looseInt))
            }
            for choice in chunk["choices"]?.arrayValue ?? [] where (choice["index"]?.looseInt ?? 0) == 0 {
                if let delta = choice["delta"] { self.delta(delta, into: &out) }
                if let finish = choice["finish_reason"]?.stringValue {
                    close(into: &out)
                    var reason = stopReason(finish)
                    if reason == .endTurn && sawToolCall { reason = .toolUse }
                    out.append(.stop(reason, stopSequence: nil))
                }
            }
            if let u = usage(chunk["usage"]) { out.append(.usage(u)) }
            return out
        }

        public mutating func finish() -> [IR.StreamEvent] {
            var out: [IR.StreamEvent] = []
            close(into: &out)
            return out
        }

        mutating func delta(_ d: JSONValue, into out: inout [IR.StreamEvent]) {
            let reasoning = d["reasoning_content"]?.stringValue ?? d["reasoning"]?.stringValue
            if let reasoning, !reasoning.isEmpty {
                let i = ensure(.thinking, into: &out)
                out.append(.delta(index: i, delta: .thinking(reasoning)))
                thinkingSoFar += reasoning
            }
            for b in d["thinking_blocks"]?.arrayValue ?? [] { thinkingBlock(b, hadText: reasoning != nil, into: &out) }
            if let text = d["content"]?.stringValue, !text.isEmpty {
                let i = ensure(.text, into: &out)
                out.append(.delta(index: i, delta: .text(text)))
            }
            if let refusal = d["refusal"]?.stringValue, !refusal.isEmpty {
                let i = ensure(.text, into: &out)
                out.append(.delta(index: i, delta: .text(refusal)))
            }
            for tc in d["tool_calls"]?.arrayValue ?? [] { toolCall(tc, into: &out) }
        }

        mutating func thinkingBlock(_ b: JSONValue, hadText: Bool, into out: inout [IR.StreamEvent]) {
            guard let part = RequestDecoder.thinkingBlock(b) else { return }
            switch part {
            case .redactedThinking(let r):
                close(into: &out)
                out.append(.blockStart(index: nextIndex, kind: .redactedThinking(r)))
                out.append(.blockStop(index: nextIndex))
                nextIndex += 1
            case .thinking(let t):
                let i = ensure(.thinking, into: &out)
                // LiteLLM repeats each reasoning delta in the block; Plexus restates the whole text with the signature.
                if !hadText && !t.text.isEmpty && t.text != thinkingSoFar {
                    out.append(.delta(index: i, delta: .thinking(t.text)))
                    thinkingSoFar += t.text
                }
                if let s = t.signature {
                    out.append(.delta(index: i, delta: .signature(s)))
                    close(into: &out)  // a signature ends its thinking block
                }
            case .text, .image, .document, .file, .toolCall, .toolResult, .opaque:
                break  // a thinking block decodes to thinking or redacted thinking only
            }
        }

        mutating func toolCall(_ tc: JSONValue, into out: inout [IR.StreamEvent]) {
            var k = tc["index"]?.looseInt ?? 0
            let fn = tc["function"]
            if let id = tc["id"]?.stringValue, let known = toolIDs[k], known != id {
                // Some compatible servers send every call whole with the same (or no) index: a new id is a new call.
                k = (toolBlocks.keys.max() ?? 0) + 1
                aliases[tc["index"]?.looseInt ?? 0] = k
            } else if tc["id"] == nil, let alias = aliases[k] {
                k = alias
            }
            if toolBlocks[k] == nil {
                toolIDs[k] = tc["id"]?.stringValue
                close(into: &out)
                sawToolCall = true
                let id = tc["id"]?.stringValue ?? ToolIDs.generated(responseID: responseID, index: k)
                let sig = SignatureTag.decodeSignature(
                    tc["extra_content"]?["google"]?["thought_signature"]?.stringValue, native: .gemini)
                out.append(
                    .blockStart(
                        index: nextIndex, kind: .toolCall(id: id, name: fn?["name"]?.stringValue ?? "", signature: sig))
                )
                toolBlocks[k] = nextIndex
                open = (.tool(k), nextIndex)
                nextIndex += 1
            }
            if let args = fn?["arguments"]?.stringValue, !args.isEmpty, let i = toolBlocks[k] {
                out.append(.delta(index: i, delta: .arguments(args)))
            }
        }

        /// The open block of `kind`, opening it (and closing another) when needed.
        mutating func ensure(_ kind: Open, into out: inout [IR.StreamEvent]) -> Int {
            if let open, open.kind == kind { return open.index }
            close(into: &out)
            out.append(.blockStart(index: nextIndex, kind: kind == .text ? .text : .thinking))
            open = (kind, nextIndex)
            nextIndex += 1
            return nextIndex - 1
        }

        mutating func close(into out: inout [IR.StreamEvent]) {
            if let open { out.append(.blockStop(index: open.index)) }
            open = nil
            thinkingSoFar = ""
        }
    }
}
