extension Responses {
    /// Writes a Responses event stream for a Responses client: `response.created`, `response.in_progress`, then each
    /// output item (`output_item.added`, its parts and deltas, `output_item.done` with the whole item), and last
    /// `response.completed` / `response.incomplete` / `response.failed` with the whole response, as the unary
    /// encoder writes it. SSE frames are `event: TYPE` + `data: JSON`, with no `[DONE]`.
    ///
    /// A state machine over the IR events: one item is open at a time (a block that starts closes the open one),
    /// every `added` gets its `done` however the stream ends, `sequence_number` counts every event from 0, and
    /// every delta names its `item_id` and `output_index`. After an error (`response.failed`) nothing more is
    /// written. Item ids are derived from the response id; a reasoning signature minted under another id (a
    /// Responses upstream's, which comes only at the end of its item) goes tagged in `encrypted_content`, so the id
    /// comes back when the client resends the item. A signature on a tool call goes in a reasoning item just
    /// before the call (after it, when it comes late).
    public struct StreamEncoder: StreamEncoding {
        enum Phase {
            case waiting, streaming, done
        }

        enum Kind: Equatable {
            case message, reasoning, call
            /// A block with no item of its own (written whole, or with no Responses form).
            case whole
        }

        /// The output item being written.
        struct Open {
            var block: Int
            var kind: Kind
            var outputIndex: Int
            var id: String
            /// Message text, summary text or call arguments written so far.
            var text = ""
            var summaryOpen = false
            var encrypted: String?
            var callID = ""
            var name = ""
            var lateSignature: IR.Signature?
        }

        let model: String
        let fixedID: String?
        let fallbackCreated: Int?
        let echo: Echo
        let handOverBytes: Int
        var phase = Phase.waiting
        var id = ""
        var createdAt = 0
        var sequence = 0
        var open: Open?
        /// What each IR block became, for a delta that comes after its item closed.
        var kinds: [Int: Kind] = [:]
        /// The finished items, for the final response.
        var output: [JSONValue] = []
        var usage: IR.Usage?
        var stop: IR.StopReason?
        var sawCall = false
        /// Bytes written since the last hand-over.
        var ready: [UInt8] = []
        /// Events after `ready`, serialized when handed over: each of a long answer's closing events repeats its
        /// whole text, so they become bytes one `more()` at a time and share the text until then.
        var pending: [Pending] = []
        /// The response object of the last event (`response.completed`, `.incomplete` or `.failed`), once written.
        public internal(set) var finalResponse: JSONValue?

        /// `model` is the name the client asked for; `responseID` (a `resp_…` id the server stores the response
        /// under) replaces the upstream's; `created` is the server's clock, used when the upstream gives no time;
        /// `echo` holds the client's request parameters the response objects repeat; a call hands over what it wrote
        /// up to `handOverBytes` and one event more, the rest waits for `more()`.
        public init(
            model: String, responseID: String? = nil, created: Int? = nil, echo: Echo = Echo(),
            handOverBytes: Int = 1 << 20
        ) {
            self.model = model
            self.fixedID = responseID
            self.fallbackCreated = created
            self.echo = echo
            self.handOverBytes = handOverBytes
        }

        public mutating func encode(_ event: IR.StreamEvent) -> [UInt8] {
            if phase != .done { apply(event) }
            return handOver()
        }

        public mutating func finish() -> [UInt8] {
            if phase != .done { end(error: nil) }
            return handOver()
        }

        public mutating func more() -> [UInt8]? {
            pending.isEmpty ? nil : handOver()
        }

        mutating func apply(_ event: IR.StreamEvent) {
            switch event {
            case .start(let id, _, let created):
                begin(id: id, created: created)
            case .blockStart(let index, let kind):
                begin(id: "", created: nil)
                closeOpen()
                blockStart(index, kind)
            case .delta(let index, let delta):
                begin(id: "", created: nil)
                self.delta(index, delta)
            case .blockStop(let index):
                if open?.block == index { closeOpen() }
            case .usage(let u):
                usage = u
            case .stop(let reason, _):
                stop = reason
            case .error(let e):
                end(error: e)
            }
        }

        /// `response.created` and `response.in_progress`, once.
        mutating func begin(id: String, created: Int?) {
            guard phase == .waiting else { return }
            phase = .streaming
            self.id = fixedID ?? Responses.responseID(from: id)
            createdAt = created ?? fallbackCreated ?? 0
            let response = responseObject(
                Outcome(
                    id: self.id, created: createdAt, model: model, status: "in_progress",
                    output: [], usage: nil), echo: echo)
            emit("response.created", [("response", response)])
            emit("response.in_progress", [("response", response)])
        }

        mutating func blockStart(_ index: Int, _ kind: IR.BlockKind) {
            switch kind {
            case .text:
                openItem(.message, block: index, prefix: "msg")
            case .thinking:
                openItem(.reasoning, block: index, prefix: "rs")
            case .redactedThinking(let r):
                kinds[index] = .whole
                whole(reasoningItem(id: nextID("rs"), text: "", encrypted: redactedContent(r)))
            case .toolCall(let callID, let name, let signature):
                sawCall = true
                if let signature { wholeReasoning(signature) }
                openItem(.call, block: index, prefix: "fc", callID: callID, name: name)
            case .opaque(let o):
                kinds[index] = .whole
                if o.origin == .responses, o.value["type"]?.stringValue != nil { whole(o.value) }
            }
        }

        mutating func delta(_ index: Int, _ delta: IR.Delta) {
            if open?.block != index, !reopen(index, delta) { return }
            guard var o = open else { return }
            // `o` alone holds the item's text while it grows: an append never copies what came before.
            open = nil
            defer { open = o }
            switch (delta, o.kind) {
            case (.text(let s), .message):
                writeDelta("response.output_text.delta", o, part: ("content_index", 0), delta: s)
                o.text += s
            case (.thinking(let s), .reasoning):
                guard !s.isEmpty else { return }
                if !o.summaryOpen { summaryPartAdded(o) }
                o.summaryOpen = true
                writeDelta("response.reasoning_summary_text.delta", o, part: ("summary_index", 0), delta: s)
                o.text += s
            case (.signature(let s), .reasoning):
                o.encrypted = encryptedContent(s, itemID: o.id)
            case (.signature(let s), .call):
                o.lateSignature = s
            case (.arguments(let s), .call):
                writeDelta("response.function_call_arguments.delta", o, part: nil, delta: s)
                o.text += s
            case (.text, _), (.thinking, _), (.signature, _), (.arguments, _):
                return  // a delta that does not fit its block changes nothing, as in the accumulator
            }
        }

        /// A delta for a block whose item is not open: text and thinking continue in a fresh item (true: apply the
        /// delta there), a signature goes in a reasoning item of its own; arguments of a finished call have nowhere
        /// to go.
        mutating func reopen(_ index: Int, _ delta: IR.Delta) -> Bool {
            let kind = kinds[index]
            switch delta {
            case .text(let s):
                guard !s.isEmpty, (kind ?? .message) == .message else { return false }
                closeOpen()
                openItem(.message, block: index, prefix: "msg")
                return true
            case .thinking(let s):
                guard !s.isEmpty, (kind ?? .reasoning) == .reasoning else { return false }
                closeOpen()
                openItem(.reasoning, block: index, prefix: "rs")
                return true
            case .signature(let s):
                guard kind != .whole else { return false }
                closeOpen()
                wholeReasoning(s)
                return false
            case .arguments:
                return false
            }
        }
    }
}
