extension Gemini {
    /// The state machine behind streamed function calls: every `functionCall` part of a stream goes in, and what
    /// comes out is the calls one at a time, as actions for one open IR tool block.
    ///
    /// Gemini 3 (on Vertex, when the request sets `toolConfig.functionCallingConfig.streamFunctionCallArguments`)
    /// streams a call over several parts: `{name, willContinue: true}`, then `{partialArgs: [...], willContinue:
    /// true}`…, and a part without `willContinue` (often an empty `functionCall: {}`) ends it. A part with `args` and
    /// no `willContinue` is a whole call, as before. Pieces without an `id` belong to the latest unfinished call; a
    /// new name ends an unfinished call that has no id. Calls with ids may interleave: each keeps its own arguments,
    /// and the calls come out whole and in the order they began, the first one streamed as it is assembled and the
    /// others (complete or not) held back until it ends, so no client ever sees two tool blocks open at once.
    struct CallAssembler {
        enum Action: Equatable {
            /// A tool call begins (its name known, or the call complete without one).
            case start(id: String, name: String, signature: IR.Signature?)
            /// Arguments text for the call begun last.
            case arguments(String)
            /// A signature that came after the call began.
            case signature(IR.Signature)
            /// The call begun last is complete.
            case stop
        }

        struct Call {
            var serial: Int
            var id: String
            /// The `id` Gemini gave, if any (pieces are matched on it).
            var givenID: String?
            var name: String?
            var signature: IR.Signature?
            var writer = ArgumentWriter()
            /// Arguments text not yet handed out.
            var pending = ""
            var complete = false
            var started = false
        }

        let responseID: String
        /// Calls not yet stopped, in the order they began; the first is the one being handed out.
        var queue: [Call] = []
        /// The call that pieces without an id continue.
        var current: Int?
        /// Calls seen so far (numbers the generated ids).
        private(set) var count = 0

        init(responseID: String) {
            self.responseID = responseID
        }

        /// True while a call is unfinished: other parts must wait, or they would land inside its tool block.
        var isBusy: Bool { !queue.isEmpty }

        /// Arguments pieces skipped because they went back into arguments already written (none from Gemini's
        /// own streams, which follow the order of the model's JSON).
        var skipped: Int { queue.reduce(0) { $0 + $1.writer.skipped } + skippedDone }
        private var skippedDone = 0

        /// One `functionCall` part (and the signature of its part).
        mutating func functionCall(_ call: JSONValue, signature: IR.Signature?) -> [Action] {
            let givenID = call["id"]?.stringValue
            let name = call["name"]?.stringValue
            let pieces = call.g("partialArgs")?.arrayValue
            let args = call["args"]
            let continues = call.g("willContinue")?.boolValue == true

            var k = target(givenID: givenID, name: name)
            if k == nil {
                if name == nil && givenID == nil && args == nil && (pieces ?? []).isEmpty && !continues {
                    return []  // an end marker with nothing to end
                }
                let id = givenID ?? ToolIDs.generated(responseID: responseID, index: count)
                var c = Call(serial: count, id: id, givenID: givenID, name: name, signature: signature)
                count += 1
                if pieces == nil && !continues {
                    // A whole call, as Gemini sends without streamed arguments.
                    c.pending = ToolArguments.text(from: args)
                    c.complete = true
                    queue.append(c)
                    return pump()
                }
                queue.append(c)
                k = queue.count - 1
            }
            guard let k else { return [] }
            var out: [Action] = []
            if queue[k].name == nil, let name { queue[k].name = name }
            if let signature, queue[k].signature == nil {
                queue[k].signature = signature
                if queue[k].started { out.append(.signature(signature)) }  // only the first call has started
            }
            if case .object(let o)? = args {
                for (key, v) in o.pairs { queue[k].pending += queue[k].writer.member(key, v) }
            }
            for p in pieces ?? [] { queue[k].pending += queue[k].writer.piece(p) }
            if continues {
                current = queue[k].serial
            } else {
                complete(k)
            }
            return out + pump()
        }

        /// The end of the stream: unfinished calls are completed with what they have.
        mutating func finish() -> [Action] {
            for k in queue.indices where !queue[k].complete { complete(k) }
            return pump()
        }

        /// The unfinished call a part continues, if any.
        mutating func target(givenID: String?, name: String?) -> Int? {
            if let givenID {
                return queue.firstIndex { $0.givenID == givenID && !$0.complete }
            }
            guard let current, let k = queue.firstIndex(where: { $0.serial == current && !$0.complete }) else {
                return nil
            }
            if let name, let known = queue[k].name, name != known, queue[k].givenID == nil {
                complete(k)  // a new call began without ids: the previous one is over
                return nil
            }
            return k
        }

        mutating func complete(_ k: Int) {
            queue[k].pending += queue[k].writer.finish()
            queue[k].complete = true
            if current == queue[k].serial { current = nil }
        }

        /// Hands out what the first call has, and every call after it that is complete.
        mutating func pump() -> [Action] {
            var out: [Action] = []
            while !queue.isEmpty {
                if !queue[0].started {
                    guard queue[0].name != nil || queue[0].complete else { break }
                    out.append(.start(id: queue[0].id, name: queue[0].name ?? "", signature: queue[0].signature))
                    queue[0].started = true
                }
                if !queue[0].pending.isEmpty {
                    out.append(.arguments(queue[0].pending))
                    queue[0].pending = ""
                }
                guard queue[0].complete else { break }
                out.append(.stop)
                skippedDone += queue.removeFirst().writer.skipped
            }
            return out
        }
    }
}
