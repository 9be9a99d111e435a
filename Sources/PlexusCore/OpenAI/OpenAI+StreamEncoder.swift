extension OpenAI {
    /// Writes `chat.completion.chunk` SSE events: role chunk, deltas, finish chunk, optional usage chunk, `[DONE]`.
    public struct StreamEncoder: StreamEncoding {
        enum Block {
            case text, thinking
            case tool(Int)
            case ignored
        }

        enum Phase {
            case waiting, streaming, finished, done
        }

        let model: String
        let includeUsage: Bool
        /// The server's clock, used when the upstream's start event carries no `created`.
        let created: Int?
        var phase = Phase.waiting
        /// `{"id":…,"object":…,"created":…,"model":…` shared by every chunk.
        var head: [UInt8] = []
        var blocks: [Int: Block] = [:]
        var nextTool = 0
        /// Thinking text streamed so far per block, restated whole in the block's signed `thinking_blocks` entry.
        var thinkingText: [Int: String] = [:]
        /// Entries of `thinking_blocks` sent so far (their `index`, so accumulating clients merge them).
        var nextThinkingBlock = 0
        var usage: IR.Usage?

        public init(model: String, includeUsage: Bool, created: Int? = nil) {
            self.model = model
            self.includeUsage = includeUsage
            self.created = created
        }

        public mutating func encode(_ event: IR.StreamEvent) -> [UInt8] {
            var out: [UInt8] = []
            switch event {
            case .start(let id, _, let created):
                begin(id: id, created: created, into: &out)
            case .blockStart(let index, let kind):
                ensureStarted(into: &out)
                blockStart(index, kind, into: &out)
            case .delta(let index, let delta):
                ensureStarted(into: &out)
                self.delta(index, delta, into: &out)
            case .blockStop:
                break
            case .usage(let u):
                usage = u
            case .stop(let reason, _):
                ensureStarted(into: &out)
                finishChunk(finishReason(reason), into: &out)
            case .error(let e):
                guard phase != .done else { break }
                phase = .done
                out.append(contentsOf: e.streamEvent(for: .chat))
            }
            return out
        }

        public mutating func finish() -> [UInt8] {
            guard phase != .done else { return [] }
            var out: [UInt8] = []
            ensureStarted(into: &out)
            if phase == .streaming {
                let sawTool = blocks.values.contains { if case .tool = $0 { true } else { false } }
                finishChunk(sawTool ? "tool_calls" : "stop", into: &out)
            }
            if includeUsage, let usage {
                var json = head
                json.append(contentsOf: #","choices":[],"usage":"#.utf8)
                JSONWriter.write(usageJSON(usage), into: &json)
                json.append(UInt8(ascii: "}"))
                SSEWriter.append(event: nil, json: json, into: &out)
            }
            out.append(contentsOf: "data: [DONE]\n\n".utf8)
            phase = .done
            return out
        }

        mutating func begin(id: String, created: Int?, into out: inout [UInt8]) {
            guard phase == .waiting else { return }
            head = Array(#"{"id":"#.utf8)
            JSONWriter.writeString(id.isEmpty ? "chatcmpl-plexus" : id, into: &head)
            head.append(contentsOf: #","object":"chat.completion.chunk","created":"#.utf8)
            head.append(contentsOf: String(created ?? self.created ?? 0).utf8)
            head.append(contentsOf: #","model":"#.utf8)
            JSONWriter.writeString(model, into: &head)
            phase = .streaming
            chunk(delta: ["role": "assistant", "content": ""], into: &out)
        }

        mutating func ensureStarted(into out: inout [UInt8]) {
            if phase == .waiting { begin(id: "", created: nil, into: &out) }
        }

        mutating func blockStart(_ index: Int, _ kind: IR.BlockKind, into out: inout [UInt8]) {
            switch kind {
            case .text: blocks[index] = .text
            case .thinking: blocks[index] = .thinking
            case .redactedThinking(let r):
                blocks[index] = .ignored
                let block: JSONValue = [
                    "index": .number(Double(nextThinkingBlock)), "type": "redacted_thinking", "data": .string(r.data),
                ]
                nextThinkingBlock += 1
                chunk(delta: ["thinking_blocks": [block]], into: &out)
            case .toolCall(let id, let name, let signature):
                blocks[index] = .tool(nextTool)
                let call = IR.ToolCall(id: id, name: name, arguments: "", signature: signature)
                chunk(delta: ["tool_calls": [toolCallJSON(call, index: nextTool)]], into: &out)
                nextTool += 1
            case .opaque:
                blocks[index] = .ignored  // provider-internal blocks have no OpenAI form
            }
        }

        mutating func delta(_ index: Int, _ delta: IR.Delta, into out: inout [UInt8]) {
            switch (delta, blocks[index]) {
            case (.text(let s), _):
                if !s.isEmpty { chunk(delta: ["content": .string(s)], into: &out) }
            case (.thinking(let s), _):
                thinkingText[index, default: ""] += s
                if !s.isEmpty { chunk(delta: ["reasoning_content": .string(s)], into: &out) }
            case (.signature(let s), .tool(let k)?):
                let extra: JSONValue = [
                    "google": ["thought_signature": .string(SignatureTag.encode(s, native: .gemini))]
                ]
                chunk(delta: ["tool_calls": [["index": .number(Double(k)), "extra_content": extra]]], into: &out)
            case (.signature(let s), _):
                // The signed block whole (the signature covers its text), so a client can resend it as it accumulated it;
                // `index` lets accumulators (the openai SDK's stream helper) merge entries instead of failing on them.
                let block: JSONValue = [
                    "index": .number(Double(nextThinkingBlock)), "type": "thinking",
                    "thinking": .string(thinkingText[index] ?? ""),
                    "signature": .string(SignatureTag.encode(s, native: .messages)),
                ]
                nextThinkingBlock += 1
                chunk(delta: ["thinking_blocks": [block]], into: &out)
            case (.arguments(let s), .tool(let k)?):
                chunk(
                    delta: ["tool_calls": [["index": .number(Double(k)), "function": ["arguments": .string(s)]]]],
                    into: &out)
            case (.arguments, _):
                break  // arguments of provider-internal blocks
            }
        }

        mutating func finishChunk(_ reason: String, into out: inout [UInt8]) {
            guard phase == .streaming else { return }
            var json = head
            json.append(contentsOf: #","choices":[{"index":0,"delta":{},"finish_reason":"#.utf8)
            JSONWriter.writeString(reason, into: &json)
            json.append(contentsOf: "}]}".utf8)
            SSEWriter.append(event: nil, json: json, into: &out)
            phase = .finished
        }

        func chunk(delta: JSONValue, into out: inout [UInt8]) {
            guard phase == .streaming else { return }
            var json = head
            json.append(contentsOf: #","choices":[{"index":0,"delta":"#.utf8)
            JSONWriter.write(delta, into: &json)
            json.append(contentsOf: #","finish_reason":null}]}"#.utf8)
            SSEWriter.append(event: nil, json: json, into: &out)
        }
    }
}
