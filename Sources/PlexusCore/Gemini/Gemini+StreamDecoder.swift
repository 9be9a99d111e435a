extension Gemini {
    /// Decodes streamed `GenerateContentResponse` chunks (SSE data or JSON-array elements) into IR events.
    public struct StreamDecoder: StreamDecoding {
        enum Open: Equatable {
            case text, thinking
        }

        var started = false
        var responseID = ""
        var open: (kind: Open, index: Int)?
        var nextIndex = 0
        /// Function calls, whole or streamed in pieces; made with the first chunk (its ids use the response id).
        var assembler = CallAssembler(responseID: "")
        /// The IR index of the tool block the assembler is filling.
        var callIndex = 0
        /// Parts that arrived while a streamed call was unfinished, replayed once it is.
        var deferred: [JSONValue] = []
        /// Bytes of the events read while a streamed call was unfinished: what the deferred parts and the calls
        /// held back behind the first one may hold.
        var heldBytes = 0
        let maxHeldBytes: Int

        /// `maxHeldBytes` bounds what an unfinished streamed call may hold back (`IR.maxAnswerBytes` by default).
        public init(maxHeldBytes: Int = IR.maxAnswerBytes) {
            self.maxHeldBytes = maxHeldBytes
        }

        public mutating func decode(_ event: SSEEvent) throws(PlexusError) -> [IR.StreamEvent] {
            let json = try JSONValue.upstreamEvent(event.data)
            let chunk = json.arrayValue?.first ?? json
            if chunk["error"] != nil { return [.error(ErrorCodec.decode(status: 200, json: chunk))] }
            var out: [IR.StreamEvent] = []
            if !started {
                started = true
                responseID = chunk.g("responseId")?.stringValue ?? ""
                assembler = CallAssembler(responseID: responseID)
                out.append(.start(id: responseID, model: chunk.g("modelVersion")?.stringValue ?? "", created: nil))
            }
            if let u = usage(chunk.g("usageMetadata")) { out.append(.usage(u)) }
            let candidate = chunk["candidates"]?.arrayValue?.first
            for p in candidate?["content"]?["parts"]?.arrayValue ?? [] { part(p, into: &out) }
            if let finish = candidate?.g("finishReason")?.stringValue {
                settle(into: &out)
                out.append(.stop(stopReason(finish, sawCall: assembler.count > 0), stopSequence: nil))
            } else if candidate == nil, chunk.g("promptFeedback")?.g("blockReason") != nil {
                settle(into: &out)
                out.append(.stop(.refusal, stopSequence: nil))
            }
            heldBytes = assembler.isBusy ? heldBytes + event.data.utf8.count : 0
            guard heldBytes <= maxHeldBytes else {
                throw PlexusError(.upstream, "Gemini stream held over \(maxHeldBytes) bytes behind an unfinished call.")
            }
            return out
        }

        public mutating func finish() -> [IR.StreamEvent] {
            var out: [IR.StreamEvent] = []
            settle(into: &out)
            return out
        }

        /// The end of the answer: unfinished calls complete with what they have, waiting parts follow, blocks close.
        mutating func settle(into out: inout [IR.StreamEvent]) {
            apply(assembler.finish(), into: &out)
            replayDeferred(into: &out)
            close(into: &out)
        }

        mutating func part(_ p: JSONValue, into out: inout [IR.StreamEvent]) {
            if assembler.isBusy && p.g("functionCall") == nil {
                deferred.append(p)  // inside a streamed call's tool block: wait until the call is complete
                return
            }
            let sig = SignatureTag.decode(p.g("thoughtSignature")?.stringValue, native: .gemini)
            let isThought = p["thought"]?.boolValue == true
            if case .redacted(let r)? = sig {
                single(.redactedThinking(r), into: &out)
                if isThought { return }
            }
            var signature: IR.Signature?
            if case .signature(let s)? = sig { signature = s }
            if isThought {
                thought(p.g("text")?.stringValue ?? "", signature, into: &out)
            } else if let call = p.g("functionCall") {
                functionCall(call, signature, into: &out)
            } else {
                if let signature {
                    // Gemini signs the first part after its thoughts: an empty thinking block carries it.
                    close(into: &out)
                    thought("", signature, into: &out)
                }
                if let t = p.g("text")?.stringValue {
                    let i = ensure(.text, into: &out)
                    if !t.isEmpty { out.append(.delta(index: i, delta: .text(t))) }
                } else {
                    single(.opaque(IR.Opaque(origin: .gemini, value: p)), into: &out)
                }
            }
        }

        /// Thought text continues the open thinking block; a signature closes it.
        mutating func thought(_ text: String, _ signature: IR.Signature?, into out: inout [IR.StreamEvent]) {
            let i = ensure(.thinking, into: &out)
            if !text.isEmpty { out.append(.delta(index: i, delta: .thinking(text))) }
            if let signature {
                out.append(.delta(index: i, delta: .signature(signature)))
                close(into: &out)
            }
        }

        /// A function call, whole or one piece of a streamed one, goes through the assembler.
        mutating func functionCall(_ call: JSONValue, _ signature: IR.Signature?, into out: inout [IR.StreamEvent]) {
            close(into: &out)
            apply(assembler.functionCall(call, signature: signature), into: &out)
            if !assembler.isBusy { replayDeferred(into: &out) }
        }

        /// The assembler's actions as IR events on one tool block at a time.
        mutating func apply(_ actions: [CallAssembler.Action], into out: inout [IR.StreamEvent]) {
            for a in actions {
                switch a {
                case .start(let id, let name, let signature):
                    callIndex = nextIndex
                    nextIndex += 1
                    out.append(.blockStart(index: callIndex, kind: .toolCall(id: id, name: name, signature: signature)))
                case .arguments(let text): out.append(.delta(index: callIndex, delta: .arguments(text)))
                case .signature(let s): out.append(.delta(index: callIndex, delta: .signature(s)))
                case .stop: out.append(.blockStop(index: callIndex))
                }
            }
        }

        mutating func replayDeferred(into out: inout [IR.StreamEvent]) {
            guard !deferred.isEmpty else { return }
            let parts = deferred
            deferred = []
            for p in parts { part(p, into: &out) }
        }

        mutating func single(_ kind: IR.BlockKind, into out: inout [IR.StreamEvent]) {
            close(into: &out)
            out.append(.blockStart(index: nextIndex, kind: kind))
            out.append(.blockStop(index: nextIndex))
            nextIndex += 1
        }

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
        }
    }
}
