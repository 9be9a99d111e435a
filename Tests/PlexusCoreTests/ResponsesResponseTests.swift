import PlexusCore
import Testing

/// Responses objects for a Responses client: the fields the openai SDK's `Response` needs, ids, status, usage.
@Suite struct ResponsesResponseTests {
    static let answer = IR.Response(
        id: "msg_01Abc", model: "claude", created: 1_700_000_000,
        parts: [
            .thinking(IR.Thinking("plan", signature: IR.Signature("ASIG", origin: .messages))),
            .redactedThinking(IR.RedactedThinking(data: "RED")),
            .text(IR.Text("Hello ")), .text(IR.Text("there.")),
            .toolCall(IR.ToolCall(id: "toolu_1", name: "f", arguments: #"{"a":1}"#)),
            .toolCall(
                IR.ToolCall(id: "c2", name: "g", arguments: "{}", signature: IR.Signature("GSIG", origin: .gemini))),
        ], stopReason: .toolUse, usage: IR.Usage(input: 10, cacheRead: 4, cacheWrite: 2, output: 7, reasoning: 3))

    @Test func aResponseObjectAsTheSDKParsesIt() throws {
        let o = try JSONValue(parsing: Translator.encodeResponse(Self.answer, to: .responses, clientModel: "alias"))
        #expect(o["id"] == "resp_msg_01Abc")
        #expect(o["object"] == "response" && o["status"] == "completed" && o["model"] == "alias")
        #expect(o["created_at"] == 1_700_000_000)
        for key in [
            "error", "incomplete_details", "instructions", "metadata", "parallel_tool_calls", "temperature",
            "tool_choice", "tools", "top_p", "max_output_tokens", "previous_response_id", "reasoning", "text",
            "truncation", "usage", "user",
        ] {
            #expect(o[key] != nil, "missing \(key)")
        }
        let output = try #require(o["output"]?.arrayValue)
        #expect(
            output.map { $0["type"]?.stringValue ?? "" } == [
                "reasoning", "reasoning", "message", "function_call", "reasoning", "function_call",
            ])
        #expect(
            output.map { $0["id"]?.stringValue ?? "" } == [
                "rs_msg_01Abc_0", "rs_msg_01Abc_1", "msg_msg_01Abc_2", "fc_msg_01Abc_3", "rs_msg_01Abc_4",
                "fc_msg_01Abc_5",
            ])
        #expect(output[0]["summary"] == [["type": "summary_text", "text": "plan"]])
        #expect(output[0]["encrypted_content"] == "plexus:anthropic:ASIG")
        #expect(output[1]["encrypted_content"] == "plexus:anthropic-redacted:RED")
        #expect(
            output[2]["content"] == [
                ["type": "output_text", "annotations": [], "logprobs": [], "text": "Hello there."]
            ])
        #expect(
            output[3] == [
                "id": "fc_msg_01Abc_3", "type": "function_call", "status": "completed", "arguments": #"{"a":1}"#,
                "call_id": "toolu_1", "name": "f",
            ])
        #expect(output[4]["summary"] == [] && output[4]["encrypted_content"] == "plexus:gemini:GSIG")
        #expect(
            o["usage"] == [
                "input_tokens": 16, "input_tokens_details": ["cached_tokens": 4, "cache_write_tokens": 2],
                "output_tokens": 10, "output_tokens_details": ["reasoning_tokens": 3], "total_tokens": 26,
            ])
    }

    /// Resent as input items, every signature goes home byte for byte and the calls keep their ids.
    @Test func theItemsComeBackToTheirProviders() throws {
        let o = try JSONValue(parsing: Translator.encodeResponse(Self.answer, to: .responses, clientModel: "alias"))
        let input: [JSONValue] = [["role": "user", "content": "hi"]] + (o["output"]?.arrayValue ?? [])
        let r = try Translator.decodeRequest(
            JSONValue.object(JSONObject([("model", "m"), ("input", .array(input))])).serialized(),
            from: .responses, model: nil)
        #expect(
            r.messages[1].parts
                == Self.answer.parts.map { p in
                    guard case .toolCall(var c) = p else { return p }
                    c.itemID = c.id == "toolu_1" ? "fc_msg_01Abc_3" : "fc_msg_01Abc_5"
                    c.signature = nil
                    return .toolCall(c)
                }.flatMap { p -> [IR.Part] in
                    // The Gemini signature came before its call, as an empty thinking part (Gemini's own convention).
                    if case .toolCall(let c) = p, c.id == "c2" {
                        return [.thinking(IR.Thinking("", signature: IR.Signature("GSIG", origin: .gemini))), p]
                    }
                    if case .text(let t) = p {
                        return t.text == "Hello " ? [.text(IR.Text("Hello there.", itemID: "msg_msg_01Abc_2"))] : []
                    }
                    return [p]
                })
        let gemini = try JSONValue(parsing: Translator.encodeRequest(r, to: .gemini, upstreamModel: "g"))
        let call = gemini["contents"]?.at(1)?["parts"]?.arrayValue?.last
        #expect(call?["functionCall"]?["name"] == "g")
        #expect(call?["thoughtSignature"] == "GSIG")
    }

    static let statuses: [(IR.StopReason, String, String?)] = [
        (.endTurn, "completed", nil), (.stopSequence, "completed", nil), (.paused, "completed", nil),
        (.maxTokens, "incomplete", "max_output_tokens"), (.refusal, "incomplete", "content_filter"),
    ]

    @Test(arguments: statuses)
    func stopReasonsAsStatus(_ stop: IR.StopReason, _ status: String, _ reason: String?) throws {
        let r = IR.Response(id: "resp_x", model: "m", parts: [.text(IR.Text("t"))], stopReason: stop)
        let o = try JSONValue(parsing: Translator.encodeResponse(r, to: .responses, clientModel: "m"))
        #expect(o["id"] == "resp_x")
        #expect(o["status"]?.stringValue == status)
        #expect(o["incomplete_details"]?["reason"]?.stringValue == reason)
        #expect(stop.wireName(in: .responses) == reason ?? "completed")
    }

    @Test func responseIDs() {
        #expect(Responses.responseID(from: "resp_abc") == "resp_abc")
        #expect(Responses.responseID(from: "chatcmpl-9x") == "resp_chatcmpl-9x")
        #expect(Responses.responseID(from: "") == "resp_plexus")
        #expect(Responses.responseID(from: "a/b") == Responses.responseID(from: "a/b"))
        #expect(Responses.responseID(from: "a/b").utf8.allSatisfy { $0 != UInt8(ascii: "/") })
    }

    /// The request's parameters are repeated, as OpenAI does, when the server passes the client's request.
    @Test func theRequestIsEchoed() throws {
        let request =
            #"{"model":"m","input":"hi","instructions":"be nice","temperature":0.3,"store":false,"metadata":{"a":"b"},"tools":[{"type":"function","name":"f","parameters":null,"strict":true}],"tool_choice":"required"}"#
        let echo = Responses.Echo(requestBody: Array(request.utf8))
        let o = JSONValue.object(
            Responses.ResponseEncoder.encode(IR.Response(id: "resp_1", model: "up"), model: "m", echo: echo))
        #expect(o["instructions"] == "be nice" && o["temperature"] == 0.3 && o["store"] == false)
        #expect(o["metadata"] == ["a": "b"] && o["tool_choice"] == "required")
        #expect(o["tools"]?.at(0)?["name"] == "f")
        #expect(o["model"] == "m" && o["output"] == [])
    }

    @Test func failedAndErrorBodiesAreErrors() {
        let failed =
            #"{"id":"resp_1","object":"response","status":"failed","error":{"code":"rate_limit_exceeded","message":"slow"},"output":[]}"#
        #expect(throws: PlexusError.self) { try Translator.decodeResponse(Array(failed.utf8), from: .responses) }
        do {
            _ = try Translator.decodeResponse(Array(failed.utf8), from: .responses)
        } catch {
            #expect(error.kind == .rateLimited)
            #expect(error.message == "slow")
        }
        #expect(Translator.summary(ofResponse: Array(failed.utf8), from: .responses) == nil)
    }

    /// Errors reach a Responses client in OpenAI's shape, and mid-stream as the API's `error` event.
    @Test func errorDocuments() throws {
        let e = PlexusError(.notFound, "no such model", param: "model")
        #expect(
            e.json(for: .responses) == [
                "error": [
                    "message": "no such model", "type": "invalid_request_error", "param": "model",
                    "code": "model_not_found",
                ]
            ])
        let events = RawStreamExpectations.events(e.streamEvent(for: .responses))
        #expect(events.count == 1 && events[0].event == "error")
        #expect(
            try JSONValue(parsing: events[0].data) == [
                "type": "error", "code": "model_not_found", "message": "no such model", "param": "model",
            ])
    }

    /// A refusal part is refused output; an incomplete response says why.
    @Test func refusalAndIncomplete() throws {
        let refusal =
            #"{"id":"resp_1","object":"response","status":"completed","output":[{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"refusal","refusal":"I can't."}]}],"usage":{"input_tokens":3,"output_tokens":2}}"#
        let r = try Translator.decodeResponse(Array(refusal.utf8), from: .responses)
        #expect(r.text == "I can't." && r.stopReason == .refusal)
        #expect(Translator.summary(ofResponse: Array(refusal.utf8), from: .responses)?.stopReason == .refusal)
        let chat = try JSONValue(parsing: Translator.encodeResponse(r, to: .chat, clientModel: "m"))
        #expect(chat["choices"]?.at(0)?["finish_reason"] == "content_filter")
    }
}
