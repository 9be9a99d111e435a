import PlexusCore

extension MockResponses {
    /// Responses stream: `response.created`, `response.in_progress`, then each output item opened with
    /// `response.output_item.added` and closed with `response.output_item.done`, its content in between
    /// (reasoning summary part / text deltas, message content part / text deltas, function call argument
    /// deltas), and last `response.completed` or `response.incomplete` carrying the whole response.
    ///
    /// Every event is `event: <type>` + `data: {"type": <type>, …, "sequence_number": n}` with n from 0 by 1;
    /// every delta names its `item_id` and `output_index`. No `[DONE]`. An injected error is an `error` event
    /// when no response exists yet, else `response.failed`.
    ///
    /// Reasoning without a requested summary streams no deltas (OpenAI shows nothing while it thinks): its tokens
    /// pace the frame that closes the item instead.
    struct StreamEncoder: MockStreamEncoding {
        /// The item being streamed.
        private enum Open {
            case reasoning(summaryStarted: Bool)
            case message
        }

        private let script: MockScript
        private let echo: Echo
        private var sequence = 0
        private var created = false
        private var open: Open?
        /// Finished items with the sequence number of their `output_item.done`.
        private var finished: [(sequence: Int, item: JSONValue)] = []
        private var summary = ""
        private var text = ""
        /// Tokens of reasoning streamed silently, carried onto the next frame.
        private var silentTokens = 0

        init(script: MockScript, echo: Echo) {
            self.script = script
            self.echo = echo
        }

        mutating func encode(_ event: MockEvent) -> [MockFrame] {
            switch event {
            case .start:
                created = true
                return [
                    responseEvent("response.created", phase: .inProgress, output: []),
                    responseEvent("response.in_progress", phase: .inProgress, output: []),
                ]
            case .thinking(let piece, let tokens):
                return thinking(piece, tokens: tokens)
            case .thinkingSignature, .redactedThinking:
                return []
            case .text(let piece, let tokens):
                var frames = closeReasoning()
                if open == nil { frames += openMessage() }
                text += piece
                frames.append(textDelta(piece, tokens: tokens))
                return frames
            case .toolCall(let index, let call):
                return close() + functionCall(index: index, call)
            case .finish:
                var frames = close()
                let type =
                    MockResponses.finalStatus(script) == "completed" ? "response.completed" : "response.incomplete"
                frames.append(responseEvent(type, phase: .done, output: finished.map(\.item)))
                return frames
            case .error(let error):
                return [failure(error)]
            }
        }

        /// Frames the producer encoded but dropped (an injected error cut in first) never went out:
        /// numbering resumes after the last frame sent, and items closed by dropped frames are not finished.
        mutating func discardUnsent(_ count: Int) {
            sequence -= count
            finished.removeAll { $0.sequence >= sequence }
        }

        // MARK: Items

        private mutating func thinking(_ piece: String, tokens: Int) -> [MockFrame] {
            var frames: [MockFrame] = []
            if open == nil {
                open = .reasoning(summaryStarted: false)
                let item = MockResponses.reasoningItem(script, echo, summary: [], encrypted: script.signatureInProgress)
                frames.append(itemEvent("response.output_item.added", item))
            }
            guard echo.wantsSummary else {
                silentTokens += tokens
                return frames
            }
            if case .reasoning(false)? = open {
                open = .reasoning(summaryStarted: true)
                frames.append(summaryPartEvent("response.reasoning_summary_part.added", text: ""))
            }
            summary += piece
            var fields: [(String, JSONValue)] = [
                ("delta", .string(piece)), ("item_id", .string(MockResponses.reasoningID(script))),
            ]
            fields += obfuscation(piece)
            fields += [("output_index", index), ("summary_index", 0)]
            var delta = event("response.reasoning_summary_text.delta", fields)
            delta.tokens = tokens
            frames.append(delta)
            return frames
        }

        private mutating func closeReasoning() -> [MockFrame] {
            guard case .reasoning(let started)? = open else { return [] }
            open = nil
            var frames: [MockFrame] = []
            if started {
                frames.append(
                    event(
                        "response.reasoning_summary_text.done",
                        [
                            ("item_id", .string(MockResponses.reasoningID(script))), ("output_index", index),
                            ("summary_index", 0), ("text", .string(summary)),
                        ]))
                frames.append(summaryPartEvent("response.reasoning_summary_part.done", text: summary))
            }
            let item = MockResponses.reasoningItem(
                script, echo, summary: started ? [summary] : [], encrypted: script.signature)
            frames.append(itemDone(item))
            return frames
        }

        private mutating func openMessage() -> [MockFrame] {
            open = .message
            let item = MockResponses.messageItem(script, status: "in_progress", content: [])
            return [
                itemEvent("response.output_item.added", item),
                contentPartEvent("response.content_part.added", text: ""),
            ]
        }

        private mutating func closeMessage() -> [MockFrame] {
            guard case .message? = open else { return [] }
            open = nil
            let done = event(
                "response.output_text.done",
                [
                    ("content_index", 0), ("item_id", .string(MockResponses.messageID(script))), ("logprobs", []),
                    ("output_index", index), ("text", .string(text)),
                ])
            let part = contentPartEvent("response.content_part.done", text: text)
            let item = MockResponses.messageItem(
                script, status: MockResponses.messageStatus(script),
                content: [MockResponses.outputText(text)])
            return [done, part, itemDone(item)]
        }

        private mutating func close() -> [MockFrame] { closeReasoning() + closeMessage() }

        private mutating func functionCall(index callIndex: Int, _ call: MockToolCall) -> [MockFrame] {
            let id = MockResponses.functionCallID(script, index: callIndex)
            var added = itemEvent(
                "response.output_item.added",
                MockResponses.functionCallItem(script, index: callIndex, call, status: "in_progress", arguments: ""))
            added.tokens = 1
            var frames = [added]
            for fragment in call.argumentFragments {
                var fields: [(String, JSONValue)] = [("delta", .string(fragment)), ("item_id", .string(id))]
                fields += obfuscation(fragment)
                fields.append(("output_index", index))
                var delta = event("response.function_call_arguments.delta", fields)
                delta.tokens = max(1, call.tokens / 3)
                frames.append(delta)
            }
            frames.append(
                event(
                    "response.function_call_arguments.done",
                    [
                        ("arguments", .string(call.argumentsText)), ("item_id", .string(id)), ("output_index", index),
                    ]))
            frames.append(
                itemDone(
                    MockResponses.functionCallItem(
                        script, index: callIndex, call, status: "completed",
                        arguments: call.argumentsText)))
            return frames
        }

        // MARK: Events

        /// The output index of the open item (or of the next one): one per finished item before it.
        private var index: JSONValue { .number(Double(finished.count)) }

        private mutating func itemDone(_ item: JSONValue) -> MockFrame {
            let frame = itemEvent("response.output_item.done", item)
            finished.append((sequence - 1, item))
            return frame
        }

        private mutating func itemEvent(_ type: String, _ item: JSONValue) -> MockFrame {
            event(type, [("item", item), ("output_index", index)])
        }

        private mutating func summaryPartEvent(_ type: String, text: String) -> MockFrame {
            event(
                type,
                [
                    ("item_id", .string(MockResponses.reasoningID(script))), ("output_index", index),
                    ("part", ["type": "summary_text", "text": .string(text)]), ("summary_index", 0),
                ])
        }

        private mutating func contentPartEvent(_ type: String, text: String) -> MockFrame {
            event(
                type,
                [
                    ("content_index", 0), ("item_id", .string(MockResponses.messageID(script))),
                    ("output_index", index), ("part", MockResponses.outputText(text)),
                ])
        }

        private mutating func responseEvent(_ type: String, phase: Phase, output: [JSONValue]) -> MockFrame {
            event(
                type, [("response", MockResponses.response(script, echo, phase: phase, output: output, billing: false))]
            )
        }

        /// `response.failed` once a response exists, else a bare `error` event.
        private mutating func failure(_ error: PlexusError) -> MockFrame {
            let code = MockResponses.errorCode(error)
            guard created else {
                return event("error", [("code", .string(code)), ("message", .string(error.message)), ("param", .null)])
            }
            let failed: JSONValue = ["code": .string(code), "message": .string(error.message)]
            return responseEvent("response.failed", phase: .failed(failed), output: finished.map(\.item))
        }

        private func obfuscation(_ delta: String) -> [(String, JSONValue)] {
            guard echo.obfuscation else { return [] }
            return [("obfuscation", .string(MockResponses.obfuscation(script.seed, sequence: sequence, delta: delta)))]
        }

        /// Text deltas are the hot path: written without building a tree.
        private mutating func textDelta(_ piece: String, tokens: Int) -> MockFrame {
            var out: [UInt8] = []
            out.reserveCapacity(200 + piece.utf8.count)
            out.append("{\"type\":\"response.output_text.delta\",\"content_index\":0,\"delta\":")
            out.appendJSONString(piece)
            out.append(",\"item_id\":")
            out.appendJSONString(MockResponses.messageID(script))
            out.append(",\"logprobs\":[]")
            if echo.obfuscation {
                out.append(",\"obfuscation\":")
                out.appendJSONString(MockResponses.obfuscation(script.seed, sequence: sequence, delta: piece))
            }
            out.append(",\"output_index\":")
            out.appendInt(finished.count)
            out.append(",\"sequence_number\":")
            out.appendInt(sequence)
            out.append(UInt8(ascii: "}"))
            return numbered(MockFrame(event: "response.output_text.delta", data: out, tokens: tokens))
        }

        /// One event: `type` first, the fields, `sequence_number` last (the newest captures' order).
        private mutating func event(_ type: String, _ fields: [(String, JSONValue)]) -> MockFrame {
            let data = JSONValue.object(
                JSONObject(
                    [("type", .string(type))] + fields
                        + [("sequence_number", .number(Double(sequence)))]))
            return numbered(MockFrame(event: type, data: data.serialized()))
        }

        /// Counts the frame and hands it the silent reasoning tokens waiting to be paced.
        private mutating func numbered(_ frame: MockFrame) -> MockFrame {
            sequence += 1
            var f = frame
            f.leadTokens = silentTokens
            silentTokens = 0
            return f
        }
    }
}
