import PlexusCore
import Testing

/// Responses streams: the encoder's grammar whatever the IR events, and the decoder's tolerance.
@Suite struct ResponsesStreamTests {
    static func encode(_ events: [IR.StreamEvent], responseID: String? = nil) -> [UInt8] {
        var enc = Responses.StreamEncoder(model: "alias", responseID: responseID, created: 1_700_000_000)
        var out: [UInt8] = []
        for e in events { out += enc.encode(e) }
        return out + enc.finish()
    }

    static func json(_ bytes: [UInt8]) -> [JSONValue] {
        RawStreamExpectations.events(bytes).compactMap { try? JSONValue(parsing: $0.data) }
    }

    static let mixed: [IR.StreamEvent] = [
        .start(id: "msg_1", model: "up", created: nil),
        .blockStart(index: 0, kind: .thinking), .delta(index: 0, delta: .thinking("plan ")),
        .delta(index: 0, delta: .thinking("more")),
        .delta(index: 0, delta: .signature(IR.Signature("ASIG", origin: .messages))), .blockStop(index: 0),
        .blockStart(index: 1, kind: .redactedThinking(IR.RedactedThinking(data: "RED"))), .blockStop(index: 1),
        .blockStart(index: 2, kind: .text), .delta(index: 2, delta: .text("Hi")), .blockStop(index: 2),
        .blockStart(index: 3, kind: .toolCall(id: "c1", name: "f", signature: IR.Signature("GSIG", origin: .gemini))),
        .delta(index: 3, delta: .arguments("{\"a\"")), .delta(index: 3, delta: .arguments(":1}")), .blockStop(index: 3),
        .delta(index: 2, delta: .text(" again")),
        .usage(IR.Usage(input: 5, output: 4)), .stop(.toolUse, stopSequence: nil),
    ]

    @Test func theGrammarHolds() throws {
        let bytes = Self.encode(Self.mixed)
        #expect(StreamValidators.validate(bytes, proto: .responses, includeUsage: true) == [])
        let types = RawStreamExpectations.events(bytes).map { $0.event ?? "" }
        #expect(
            Self.json(bytes).filter { $0["type"] == "response.function_call_arguments.done" }.allSatisfy {
                $0["name"] == "f"
            })
        #expect(types.prefix(2) == ["response.created", "response.in_progress"])
        #expect(types.last == "response.completed")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("[DONE]"))
        let final = try #require(Self.json(bytes).last?["response"])
        #expect(final["id"] == "resp_msg_1" && final["model"] == "alias" && final["created_at"] == 1_700_000_000)
        let output = try #require(final["output"]?.arrayValue)
        #expect(
            output.map { $0["type"]?.stringValue ?? "" } == [
                "reasoning", "reasoning", "message", "reasoning", "function_call", "message",
            ])
        #expect(output[0]["summary"] == [["type": "summary_text", "text": "plan more"]])
        #expect(output[0]["encrypted_content"] == "plexus:anthropic:ASIG")
        #expect(output[3]["encrypted_content"] == "plexus:gemini:GSIG")
        #expect(output[4]["arguments"] == #"{"a":1}"# && output[4]["call_id"] == "c1")
        #expect(output[5]["content"]?.at(0)?["text"] == " again")
        #expect(final["usage"]?["total_tokens"] == 9)
    }

    /// The validator holds OpenAI's own streams to the same grammar.
    @Test(arguments: Fixtures.streams.filter { $0.proto == .responses })
    func capturesFollowTheGrammar(_ f: Fixture) {
        #expect(StreamValidators.validate(f.bytes, proto: .responses, includeUsage: true) == [])
    }

    /// Decoded back, the stream gives the same answer (the late text is its own message).
    @Test func decodesBackToTheSameAnswer() throws {
        let back = FixtureStreamTests.accumulate(
            try FixtureStreamTests.irEvents([Self.encode(Self.mixed)], proto: .responses))
        #expect(
            back.parts == [
                .thinking(IR.Thinking("plan more", signature: IR.Signature("ASIG", origin: .messages))),
                .redactedThinking(IR.RedactedThinking(data: "RED")),
                .text(IR.Text("Hi")),
                .thinking(IR.Thinking("", signature: IR.Signature("GSIG", origin: .gemini))),
                .toolCall(IR.ToolCall(id: "c1", name: "f", arguments: #"{"a":1}"#)),
                .text(IR.Text(" again")),
            ])
        #expect(back.stopReason == .toolUse)
        #expect(back.usage == IR.Usage(input: 5, output: 4))
    }

    /// An upstream error mid-item: the item is closed, `response.failed` carries the error, and nothing follows.
    @Test func anErrorEndsTheStreamWithResponseFailed() throws {
        var enc = Responses.StreamEncoder(model: "m")
        var bytes = enc.encode(.blockStart(index: 0, kind: .toolCall(id: "c", name: "f", signature: nil)))
        bytes += enc.encode(.delta(index: 0, delta: .arguments("{\"x")))
        bytes += enc.encode(.error(PlexusError(.rateLimited, "slow down")))
        #expect(enc.encode(.delta(index: 0, delta: .arguments("1}"))).isEmpty)
        #expect(enc.finish().isEmpty)
        #expect(StreamValidators.validate(bytes, proto: .responses, includeUsage: true) == [])
        let last = try #require(Self.json(bytes).last)
        #expect(last["type"] == "response.failed")
        #expect(last["response"]?["error"] == ["code": "rate_limit_exceeded", "message": "slow down"])
        #expect(last["response"]?["output"]?.at(0)?["arguments"] == #"{"x"#)
        var d = StreamCodecs.decoder(for: .responses)
        var decoded: [IR.StreamEvent] = []
        for e in RawStreamExpectations.events(bytes) { decoded += try d.decode(e) }
        guard case .error(let e)? = decoded.last else {
            Issue.record("no error decoded")
            return
        }
        #expect(e.kind == .rateLimited)
    }

    static let cuts: [(String, [IR.StreamEvent], String)] = [
        ("nothing at all", [], "response.completed"),
        (
            "text, no stop", [.blockStart(index: 0, kind: .text), .delta(index: 0, delta: .text("x"))],
            "response.completed"
        ),
        (
            "thinking cut", [.blockStart(index: 0, kind: .thinking), .delta(index: 0, delta: .thinking("t"))],
            "response.completed"
        ),
        (
            "token limit",
            [
                .blockStart(index: 0, kind: .text), .delta(index: 0, delta: .text("x")),
                .stop(.maxTokens, stopSequence: nil),
            ], "response.incomplete"
        ),
        ("refused", [.stop(.refusal, stopSequence: nil)], "response.incomplete"),
        (
            "late deltas",
            [
                .delta(index: 4, delta: .thinking("a")),
                .delta(index: 5, delta: .signature(IR.Signature("S", origin: .gemini))),
                .delta(index: 6, delta: .arguments("x")), .blockStop(index: 9),
            ], "response.completed"
        ),
    ]

    @Test(arguments: cuts)
    func everyAddedHasItsDone(_ name: String, _ events: [IR.StreamEvent], _ terminal: String) {
        let bytes = Self.encode(events)
        #expect(StreamValidators.validate(bytes, proto: .responses, includeUsage: true) == [], "\(name)")
        #expect(RawStreamExpectations.events(bytes).last?.event == terminal, "\(name)")
    }

    /// A reasoning signature from a Responses upstream comes after its item was announced: the item keeps the
    /// announced id and carries the real one tagged, which the decoder reads back as the upstream's own.
    @Test func aResponsesSignatureKeepsItsItemIDThroughAStream() throws {
        let sig = IR.Signature("rs_real:gAAAenc", origin: .responses)
        let events: [IR.StreamEvent] = [
            .start(id: "resp_up", model: "up", created: 1), .blockStart(index: 0, kind: .thinking),
            .delta(index: 0, delta: .thinking("t")), .delta(index: 0, delta: .signature(sig)), .blockStop(index: 0),
        ]
        let item = try #require(Self.json(Self.encode(events)).last?["response"]?["output"]?.at(0))
        #expect(item["id"] == "rs_up_0")
        #expect(item["encrypted_content"] == "plexus:responses:rs_real:gAAAenc")
        let input: JSONValue = ["model": "m", "input": [["role": "user", "content": "hi"], item]]
        let up = try JSONValue(
            parsing: Translator.encodeRequest(
                try Translator.decodeRequest(input.serialized(), from: .responses, model: nil),
                to: .responses, upstreamModel: "u"))
        #expect(
            up["input"]?.at(1) == [
                "id": "rs_real", "type": "reasoning", "summary": [["type": "summary_text", "text": "t"]],
                "encrypted_content": "gAAAenc",
            ])
        // A server that announces items under the ids the upstream gave is not needed: the same holds under its own id.
        let own = try #require(Self.json(Self.encode(events, responseID: "resp_mine")).last?["response"])
        #expect(own["id"] == "resp_mine" && own["output"]?.at(0)?["id"] == "rs_mine_0")
    }

    /// Events without their deltas (a passthrough reading only usage) still give the whole answer.
    @Test func doneEventsAloneGiveTheAnswer() throws {
        let lines = [
            #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","model":"gpt","created_at":5,"status":"in_progress","output":[]}}"#,
            #"{"type":"response.output_item.done","sequence_number":5,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"a"},{"type":"summary_text","text":"b"}],"encrypted_content":"E"}}"#,
            #"{"type":"response.output_item.done","sequence_number":9,"output_index":1,"item":{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"hi","annotations":[]}]}}"#,
            #"{"type":"response.function_call_arguments.done","sequence_number":12,"output_index":2,"item_id":"fc_1","name":"f","arguments":"{}"}"#,
            #"{"type":"response.output_item.done","sequence_number":13,"output_index":2,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"f","arguments":"{}","status":"completed"}}"#,
            #"{"type":"response.output_item.done","sequence_number":14,"output_index":3,"item":{"id":"ws_1","type":"web_search_call","status":"completed"}}"#,
            #"{"type":"response.completed","sequence_number":15,"response":{"id":"resp_1","status":"completed","usage":{"input_tokens":9,"output_tokens":4,"output_tokens_details":{"reasoning_tokens":2}}}}"#,
        ]
        var d = StreamCodecs.decoder(for: .responses)
        var events: [IR.StreamEvent] = []
        for l in lines { events += try d.decode(SSEEvent(data: l)) }
        let r = FixtureStreamTests.accumulate(events + d.finish())
        #expect(
            r.parts == [
                .thinking(IR.Thinking("a\n\nb", signature: IR.Signature("rs_1:E", origin: .responses))),
                .text(IR.Text("hi")),
                .toolCall(IR.ToolCall(id: "call_1", name: "f", arguments: "{}")),
                .opaque(
                    IR.Opaque(
                        origin: .responses, value: ["id": "ws_1", "type": "web_search_call", "status": "completed"])),
            ])
        #expect(r.stopReason == .toolUse)
        #expect(r.usage == IR.Usage(input: 9, output: 2, reasoning: 2))
    }

    /// A server that sends only the final response still gets its output read.
    @Test func aFinalResponseAloneGivesTheAnswer() throws {
        let line =
            #"{"type":"response.completed","response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"type":"message","id":"m","role":"assistant","content":[{"type":"output_text","text":"cut"}]}]}}"#
        var d = StreamCodecs.decoder(for: .responses)
        let r = FixtureStreamTests.accumulate(try d.decode(SSEEvent(event: "response.completed", data: line)))
        #expect(r.text == "cut" && r.stopReason == .maxTokens)
    }
}
