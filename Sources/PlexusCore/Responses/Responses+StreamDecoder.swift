extension Responses {
    /// Decodes a Responses event stream (`response.created` … `response.completed`) into IR events.
    ///
    /// Each output item is one IR block: a `message` a text block, a `reasoning` item a thinking block (summary
    /// parts joined by a blank line, its id and final `encrypted_content` a signature at `output_item.done`), a
    /// `function_call` a tool call (`call_id` is its id), any other item an opaque block when it is done. What an
    /// item's `done` event carries that no delta streamed is emitted then, so a stream read without its deltas
    /// (a passthrough watching only usage) still accumulates the whole answer.
    public struct StreamDecoder: StreamDecoding {
        enum Kind {
            case text, thinking, call
        }

        struct Item {
            var block: Int
            var kind: Kind
            var streamed = false
            /// The summary or content part the last thinking delta belonged to.
            var part: String?
        }

        var started = false
        var responseID = ""
        /// Open items by `output_index`.
        var items: [Int: Item] = [:]
        var nextIndex = 0
        var sawItem = false
        /// Items already written whole, whose `done` adds nothing.
        var whole: Set<Int> = []
        var sawCall = false
        var sawRefusal = false

        public init() {}

        public mutating func decode(_ event: SSEEvent) throws(PlexusError) -> [IR.StreamEvent] {
            let e = try JSONValue.upstreamEvent(event.data)
            var out: [IR.StreamEvent] = []
            let type = e["type"]?.stringValue ?? event.event ?? ""
            switch type {
            case "response.created", "response.in_progress", "response.queued": start(e["response"], into: &out)
            case "response.output_item.added": added(e, into: &out)
            case "response.output_text.delta": text(e, e["delta"]?.stringValue, into: &out)
            case "response.refusal.delta":
                sawRefusal = true
                text(e, e["delta"]?.stringValue, into: &out)
            case "response.reasoning_summary_text.delta":
                thinking(e, part: "s\(e["summary_index"]?.looseInt ?? 0)", into: &out)
            case "response.reasoning_text.delta": thinking(e, part: "c\(e["content_index"]?.looseInt ?? 0)", into: &out)
            case "response.function_call_arguments.delta": arguments(e, e["delta"]?.stringValue, into: &out)
            case "response.function_call_arguments.done":
                arguments(e, onlyIfNotStreamed: e["arguments"]?.stringValue, into: &out)
            case "response.output_item.done": done(e, into: &out)
            case "response.completed", "response.incomplete":
                end(e["response"], status: String(type.dropFirst(9)), into: &out)
            case "response.failed": failed(e["response"], into: &out)
            case "error": out.append(.error(Self.streamError(e)))
            default: break  // in_progress markers, annotations, built-in tool progress, future events
            }
            return out
        }

        public mutating func finish() -> [IR.StreamEvent] {
            var out: [IR.StreamEvent] = []
            closeAll(into: &out)
            return out
        }

        mutating func start(_ response: JSONValue?, into out: inout [IR.StreamEvent]) {
            guard !started else { return }
            started = true
            responseID = response?["id"]?.stringValue ?? ""
            out.append(
                .start(
                    id: responseID, model: response?["model"]?.stringValue ?? "",
                    created: response?["created_at"]?.looseInt))
        }

        /// The item an event names, by `output_index`.
        func index(_ e: JSONValue) -> Int {
            e["output_index"]?.looseInt ?? (items.keys.max() ?? -1)
        }

        mutating func open(_ kind: Kind, at k: Int, _ blockKind: IR.BlockKind, into out: inout [IR.StreamEvent]) {
            start(nil, into: &out)
            sawItem = true
            items[k] = Item(block: nextIndex, kind: kind)
            out.append(.blockStart(index: nextIndex, kind: blockKind))
            nextIndex += 1
        }

        /// A block written at once.
        mutating func single(_ kind: IR.BlockKind, at k: Int, into out: inout [IR.StreamEvent]) {
            start(nil, into: &out)
            sawItem = true
            whole.insert(k)
            out.append(.blockStart(index: nextIndex, kind: kind))
            out.append(.blockStop(index: nextIndex))
            nextIndex += 1
        }

        mutating func added(_ e: JSONValue, into out: inout [IR.StreamEvent]) {
            guard let item = e["item"] else { return }
            let k = index(e)
            guard items[k] == nil, !whole.contains(k) else { return }
            switch item["type"]?.stringValue {
            case "message"?: open(.text, at: k, .text, into: &out)
            case "reasoning"?:
                if case .redacted(let r)? = Responses.reasoningContent(
                    id: nil, encrypted: item["encrypted_content"]?.stringValue)
                {
                    // Redacted thinking (from a gateway upstream) is whole when announced.
                    single(.redactedThinking(r), at: k, into: &out)
                } else {
                    open(.thinking, at: k, .thinking, into: &out)
                }
            case "function_call"?:
                sawCall = true
                let id =
                    item["call_id"]?.stringValue ?? item["id"]?.stringValue
                    ?? ToolIDs.generated(responseID: responseID, index: k)
                open(.call, at: k, .toolCall(id: id, name: item["name"]?.stringValue ?? "", signature: nil), into: &out)
                arguments(e, item["arguments"]?.stringValue, into: &out)
            default:
                break  // other items become one opaque block when they are done
            }
        }

        /// The open item of `kind` an event belongs to, opened when its `added` event never came.
        mutating func item(_ e: JSONValue, _ kind: Kind, into out: inout [IR.StreamEvent]) -> Int {
            let k = index(e)
            if let item = items[k], item.kind == kind { return k }
            let k2 = items[k] == nil ? k : (items.keys.max() ?? k) + 1
            switch kind {
            case .text: open(.text, at: k2, .text, into: &out)
            case .thinking: open(.thinking, at: k2, .thinking, into: &out)
            case .call:
                sawCall = true
                let id = e["item"]?["call_id"]?.stringValue ?? ToolIDs.generated(responseID: responseID, index: k2)
                open(
                    .call, at: k2,
                    .toolCall(
                        id: id, name: e["item"]?["name"]?.stringValue ?? e["name"]?.stringValue ?? "", signature: nil),
                    into: &out)
            }
            return k2
        }

        mutating func text(_ e: JSONValue, _ delta: String?, into out: inout [IR.StreamEvent]) {
            guard let delta, !delta.isEmpty else { return }
            let k = item(e, .text, into: &out)
            items[k]?.streamed = true
            out.append(.delta(index: items[k]!.block, delta: .text(delta)))
        }

        /// Summary (or reasoning text) deltas; a new part starts after a blank line, as the unary decoder joins them.
        mutating func thinking(_ e: JSONValue, part: String, into out: inout [IR.StreamEvent]) {
            guard let delta = e["delta"]?.stringValue, !delta.isEmpty else { return }
            let k = item(e, .thinking, into: &out)
            guard let it = items[k] else { return }
            if let previous = it.part, previous != part {
                out.append(.delta(index: it.block, delta: .thinking("\n\n")))
            }
            items[k]?.part = part
            items[k]?.streamed = true
            out.append(.delta(index: it.block, delta: .thinking(delta)))
        }

        mutating func arguments(_ e: JSONValue, _ delta: String?, into out: inout [IR.StreamEvent]) {
            guard let delta, !delta.isEmpty else { return }
            let k = item(e, .call, into: &out)
            items[k]?.streamed = true
            out.append(.delta(index: items[k]!.block, delta: .arguments(delta)))
        }

        /// `function_call_arguments.done`: the arguments of a call whose deltas did not stream them (a call never
        /// announced waits for its `output_item.done`, which names it).
        mutating func arguments(_ e: JSONValue, onlyIfNotStreamed whole: String?, into out: inout [IR.StreamEvent]) {
            guard let it = items[index(e)], it.kind == .call, !it.streamed else { return }
            arguments(e, whole, into: &out)
        }
    }
}
