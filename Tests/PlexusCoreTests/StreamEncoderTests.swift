import PlexusCore
import Testing

/// The stream encoders as state machines over hand-made IR event sequences.
@Suite struct StreamEncoderTests {
    static let parallelCalls: [IR.StreamEvent] = [
        .start(id: "s1", model: "up", created: 5),
        .usage(IR.Usage(input: 9)),
        .blockStart(index: 0, kind: .text),
        .delta(index: 0, delta: .text("Let me check.")),
        .blockStop(index: 0),
        .blockStart(index: 1, kind: .toolCall(id: "c1", name: "a", signature: IR.Signature("GS", origin: .gemini))),
        .delta(index: 1, delta: .arguments("{\"x\":")),
        .delta(index: 1, delta: .arguments("1}")),
        .blockStop(index: 1),
        .blockStart(index: 2, kind: .toolCall(id: "c2", name: "b", signature: nil)),
        .delta(index: 2, delta: .arguments("{}")),
        .blockStop(index: 2),
        .stop(.toolUse, stopSequence: nil),
        .usage(IR.Usage(input: 9, output: 4)),
    ]

    static func run(_ events: [IR.StreamEvent], _ proto: APIProtocol, jsonArray: Bool = false) -> [[UInt8]] {
        var enc = StreamCodecs.encoder(for: proto, clientModel: "alias", includeUsage: true, geminiJSONArray: jsonArray)
        return events.map { enc.encode($0) } + [enc.finish()]
    }

    @Test func openAIStreamsEveryFragmentAtOnce() throws {
        let outs = Self.run(Self.parallelCalls, .chat)
        #expect(!outs[0].isEmpty, "the role chunk goes out on start")
        #expect(!outs[6].isEmpty && !outs[7].isEmpty, "argument fragments are not buffered")
        let all = outs.flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: .chat, includeUsage: true) == [])
        let events = RawStreamExpectations.events(all)
        let first = try JSONValue(parsing: events[2].data)["choices"]?.at(0)?["delta"]?["tool_calls"]?.at(0)
        #expect(first?["extra_content"] == ["google": ["thought_signature": "GS"]])
        #expect(try JSONValue(parsing: events[0].data)["created"]?.intValue == 5)
    }

    /// A signed thinking block goes out as `reasoning_content` deltas, then one indexed `thinking_blocks` entry with
    /// the whole text and the signature: what a client accumulates is a block it can resend as is.
    @Test func openAIRestatesASignedThinkingBlockWhole() throws {
        let events: [IR.StreamEvent] = [
            .start(id: "s1", model: "up", created: 5),
            .blockStart(index: 0, kind: .thinking),
            .delta(index: 0, delta: .thinking("Let me")),
            .delta(index: 0, delta: .thinking(" think.")),
            .delta(index: 0, delta: .signature(IR.Signature("SIG", origin: .messages))),
            .blockStop(index: 0),
            .blockStart(index: 1, kind: .redactedThinking(IR.RedactedThinking(data: "RED"))),
            .blockStop(index: 1),
            .blockStart(index: 2, kind: .text),
            .delta(index: 2, delta: .text("Done.")),
            .blockStop(index: 2),
            .stop(.endTurn, stopSequence: nil),
            .usage(IR.Usage(input: 3, output: 1, reasoning: 2)),
        ]
        let all = Self.run(events, .chat).flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: .chat, includeUsage: true) == [])
        let blocks = RawStreamExpectations.events(all).compactMap {
            try? JSONValue(parsing: $0.data)["choices"]?.at(0)?["delta"]?["thinking_blocks"]?.at(0)
        }
        #expect(
            blocks == [
                ["index": 0, "type": "thinking", "thinking": "Let me think.", "signature": "SIG"],
                ["index": 1, "type": "redacted_thinking", "data": "RED"],
            ])
        // Read back (a gateway behind a gateway), the restated text is not doubled.
        var d = StreamCodecs.decoder(for: .chat)
        var acc = StreamAccumulator()
        for e in RawStreamExpectations.events(all) { for ev in try d.decode(e) { acc.add(ev) } }
        for ev in d.finish() { acc.add(ev) }
        #expect(
            acc.response.parts == [
                .thinking(IR.Thinking("Let me think.", signature: IR.Signature("SIG", origin: .messages))),
                .redactedThinking(IR.RedactedThinking(data: "RED")), .text(IR.Text("Done.")),
            ])
    }

    @Test func anthropicCarriesAForeignCallSignatureInAThinkingBlock() throws {
        let outs = Self.run(Self.parallelCalls, .messages)
        #expect(!outs[6].isEmpty && !outs[7].isEmpty, "argument fragments are not buffered")
        let all = outs.flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: .messages, includeUsage: true) == [])
        let starts = RawStreamExpectations.events(all).filter { $0.event == "content_block_start" }
            .compactMap { try? JSONValue(parsing: $0.data)["content_block"]?["type"]?.stringValue }
        #expect(starts == ["text", "thinking", "tool_use", "tool_use"])
        let start = try JSONValue(parsing: RawStreamExpectations.events(all)[0].data)
        #expect(start["message"]?["usage"]?["input_tokens"]?.intValue == 9)
    }

    @Test(arguments: [false, true])
    func geminiEmitsEachCallWholeOnceComplete(_ jsonArray: Bool) throws {
        let outs = Self.run(Self.parallelCalls, .gemini, jsonArray: jsonArray)
        #expect(outs[6].isEmpty && outs[7].isEmpty, "arguments wait for the call to complete")
        #expect(!outs[8].isEmpty)
        let all = outs.flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: .gemini, includeUsage: true, jsonArray: jsonArray) == [])
        let chunks: [JSONValue] =
            jsonArray
            ? try JSONValue(parsing: all).arrayValue ?? []
            : try RawStreamExpectations.events(all).map { try JSONValue(parsing: $0.data) }
        let call = chunks[1]["candidates"]?.at(0)?["content"]?["parts"]?.at(0)
        #expect(call?["functionCall"] == ["id": "c1", "name": "a", "args": ["x": 1]])
        #expect(call?["thoughtSignature"]?.stringValue == "GS")
        #expect(chunks.last?["usageMetadata"]?["promptTokenCount"]?.intValue == 9)
    }

    @Test(arguments: APIProtocol.generative)
    func missingStartAndStopStillGiveAWellFormedStream(_ proto: APIProtocol) {
        let events: [IR.StreamEvent] = [.blockStart(index: 0, kind: .text), .delta(index: 0, delta: .text("hi"))]
        let all = Self.run(events, proto).flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: proto, includeUsage: false) == [])
    }

    @Test func anthropicReopensABlockForLateText() {
        let events: [IR.StreamEvent] = [
            .start(id: "s", model: "m", created: nil),
            .blockStart(index: 0, kind: .text), .delta(index: 0, delta: .text("a")),
            .blockStart(index: 1, kind: .thinking), .delta(index: 1, delta: .thinking("t")),
            .delta(index: 0, delta: .text("b")), .stop(.endTurn, stopSequence: nil),
        ]
        let all = Self.run(events, .messages).flatMap { $0 }
        #expect(StreamValidators.validate(all, proto: .messages, includeUsage: false) == [])
    }

    @Test func accumulatorBuildsTheFinalAnswer() {
        var acc = StreamAccumulator()
        for e in Self.parallelCalls { acc.add(e) }
        let r = acc.response
        #expect(r.id == "s1")
        #expect(r.text == "Let me check.")
        #expect(
            r.toolCalls == [
                IR.ToolCall(
                    id: "c1", name: "a", arguments: "{\"x\":1}", signature: IR.Signature("GS", origin: .gemini)),
                IR.ToolCall(id: "c2", name: "b", arguments: "{}"),
            ])
        #expect(r.stopReason == .toolUse)
        #expect(r.usage == IR.Usage(input: 9, output: 4))
        #expect(acc.error == nil)
    }
}

/// OpenAI-compatible upstreams that deviate from OpenAI's own stream shape.
@Suite struct OpenAICompatibleStreamTests {
    @Test func wholeCallsSharingAnIndexStaySeparate() throws {
        var d = StreamCodecs.decoder(for: .chat)
        var events: [IR.StreamEvent] = []
        for data in [
            #"{"id":"g","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"a1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]}}]}"#,
            #"{"id":"g","choices":[{"index":0,"delta":{"tool_calls":[{"id":"a2","type":"function","function":{"name":"g","arguments":"{}"}}]}}]}"#,
            #"{"id":"g","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ] { events += try d.decode(SSEEvent(data: data)) }
        events += d.finish()
        var acc = StreamAccumulator()
        for e in events { acc.add(e) }
        #expect(acc.response.toolCalls.map(\.name) == ["f", "g"])
        #expect(acc.response.toolCalls.map(\.arguments) == [#"{"x":1}"#, "{}"])
        #expect(acc.response.stopReason == .toolUse)
    }

    @Test func reasoningContentStreamsAsThinking() throws {
        var d = StreamCodecs.decoder(for: .chat)
        var events: [IR.StreamEvent] = []
        for data in [
            #"{"id":"d","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Let me"}}]}"#,
            #"{"id":"d","choices":[{"index":0,"delta":{"reasoning_content":" think."}}]}"#,
            #"{"id":"d","choices":[{"index":0,"delta":{"content":"Answer."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":6}}}"#,
        ] { events += try d.decode(SSEEvent(data: data)) }
        var acc = StreamAccumulator()
        for e in events { acc.add(e) }
        #expect(acc.response.parts == [.thinking(IR.Thinking("Let me think.")), .text(IR.Text("Answer."))])
        #expect(acc.response.usage == IR.Usage(input: 3, output: 3, reasoning: 6))
    }
}
