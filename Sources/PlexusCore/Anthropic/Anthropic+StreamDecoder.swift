extension Anthropic {
    /// Decodes Messages stream events (`message_start` … `message_stop`).
    public struct StreamDecoder: StreamDecoding {
        var usage = IR.Usage()
        /// Upstream index to IR index (the same unless the upstream skips numbers).
        var indices: [Int: Int] = [:]
        var nextIndex = 0

        public init() {}

        public mutating func decode(_ event: SSEEvent) throws(PlexusError) -> [IR.StreamEvent] {
            let e = try JSONValue.upstreamEvent(event.data)
            switch e["type"]?.stringValue ?? event.event {
            case "message_start":
                let m = e["message"]
                if let u = Anthropic.usage(m?["usage"]) { usage = u }
                return [
                    .start(id: m?["id"]?.stringValue ?? "", model: m?["model"]?.stringValue ?? "", created: nil),
                    .usage(usage),
                ]
            case "content_block_start":
                return blockStart(e)
            case "content_block_delta":
                guard let i = index(e), let d = e["delta"] else { return [] }
                return delta(d, index: i).map { [.delta(index: i, delta: $0)] } ?? []
            case "content_block_stop":
                return index(e).map { [.blockStop(index: $0)] } ?? []
            case "message_delta":
                return messageDelta(e)
            case "error":
                return [.error(ErrorCodec.decode(status: 200, json: e))]
            default:
                return []  // ping, message_stop and future events
            }
        }

        public mutating func finish() -> [IR.StreamEvent] { [] }

        func index(_ e: JSONValue) -> Int? {
            e["index"]?.looseInt.flatMap { indices[$0] }
        }

        mutating func blockStart(_ e: JSONValue) -> [IR.StreamEvent] {
            guard let upstream = e["index"]?.looseInt, let b = e["content_block"] else { return [] }
            let i = nextIndex
            indices[upstream] = i
            nextIndex += 1
            var out: [IR.StreamEvent] = []
            switch b["type"]?.stringValue {
            case "text":
                out.append(.blockStart(index: i, kind: .text))
                if let t = b["text"]?.stringValue, !t.isEmpty { out.append(.delta(index: i, delta: .text(t))) }
            case "thinking":
                out.append(.blockStart(index: i, kind: .thinking))
                if let t = b["thinking"]?.stringValue, !t.isEmpty { out.append(.delta(index: i, delta: .thinking(t))) }
                if let s = SignatureTag.decodeSignature(b["signature"]?.stringValue, native: .messages) {
                    out.append(.delta(index: i, delta: .signature(s)))
                }
            case "redacted_thinking":
                out.append(
                    .blockStart(
                        index: i, kind: .redactedThinking(IR.RedactedThinking(data: b["data"]?.stringValue ?? ""))))
            case "tool_use":
                out.append(
                    .blockStart(
                        index: i,
                        kind: .toolCall(
                            id: b["id"]?.stringValue ?? "", name: b["name"]?.stringValue ?? "", signature: nil)))
                if let input = b["input"]?.objectValue, !input.isEmpty {
                    out.append(.delta(index: i, delta: .arguments(JSONValue.object(input).jsonString)))
                }
            default:
                out.append(.blockStart(index: i, kind: .opaque(IR.Opaque(origin: .messages, value: b))))
            }
            return out
        }

        func delta(_ d: JSONValue, index: Int) -> IR.Delta? {
            switch d["type"]?.stringValue {
            case "text_delta": return (d["text"]?.stringValue).map { .text($0) }
            case "thinking_delta": return (d["thinking"]?.stringValue).map { .thinking($0) }
            case "signature_delta":
                return SignatureTag.decodeSignature(d["signature"]?.stringValue, native: .messages).map {
                    .signature($0)
                }
            case "input_json_delta": return (d["partial_json"]?.stringValue).map { .arguments($0) }
            default: return nil  // citations_delta and future delta kinds carry nothing the IR models
            }
        }

        mutating func messageDelta(_ e: JSONValue) -> [IR.StreamEvent] {
            var out: [IR.StreamEvent] = []
            if let u = e["usage"], case .object(let o) = u {
                // message_delta usage is cumulative; older APIs send only output_tokens, so keep what it omits.
                var merged = usage
                let fresh = Anthropic.usage(u) ?? IR.Usage()
                if o["input_tokens"] != nil { merged.input = fresh.input }
                if o["cache_read_input_tokens"] != nil { merged.cacheRead = fresh.cacheRead }
                if o["cache_creation_input_tokens"] != nil { merged.cacheWrite = fresh.cacheWrite }
                if o["output_tokens"] != nil {
                    merged.output = fresh.output
                    merged.reasoning = fresh.reasoning
                }
                usage = merged
                out.append(.usage(merged))
            }
            if let reason = e["delta"]?["stop_reason"]?.stringValue {
                out.append(.stop(Anthropic.stopReason(reason), stopSequence: e["delta"]?["stop_sequence"]?.stringValue))
            }
            return out
        }
    }
}
