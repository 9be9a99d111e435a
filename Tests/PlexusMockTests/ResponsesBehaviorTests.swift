import PlexusCore
import Testing

@testable import PlexusMock

@Suite("OpenAI Responses: signatures, statelessness, faults")
struct ResponsesBehaviorTests {
    let upstream = MockUpstream(secret: "responses-behavior")

    /// The output items of a first turn, with encrypted reasoning.
    func firstTurn(_ model: String) async throws -> [JSONValue] {
        let body = Responses.body(model, #""input":"weather?","include":["reasoning.encrypted_content"],"store":false"#)
        let (response, bytes, _) = try await Responses.call(upstream, body)
        #expect(response.status == 200)
        return try JSONValue(parsing: bytes)["output"]?.arrayValue ?? []
    }

    /// A second turn sending `items` back after the user's first message, then `tail`.
    func secondTurn(
        _ items: [JSONValue], tail: [JSONValue] = [["role": "user", "content": "and?"]],
        model: String = "demo-fast"
    ) async throws -> (Int, JSONValue) {
        let body: JSONValue = [
            "model": .string(model), "store": false, "include": ["reasoning.encrypted_content"],
            "input": .array([["role": "user", "content": "weather?"]] + items + tail),
        ]
        let (response, bytes, _) = try await Responses.call(upstream, body.serialized())
        return (response.status, try JSONValue(parsing: bytes))
    }

    static func text(_ json: JSONValue) -> String {
        (json["output"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "message" }?["content"]?.arrayValue?
            .first?["text"]?.stringValue ?? ""
    }

    // MARK: Signatures

    @Test func mintedEncryptedContentVerifies() async throws {
        let reasoning = try #require(try await firstTurn("demo-thinking").first)
        let content = try #require(reasoning["encrypted_content"]?.stringValue)
        #expect(content.hasPrefix("gAAAAAB"))
        #expect(upstream.verifySignature(content))
        #expect(!MockUpstream(secret: "other").verifySignature(content))
    }

    @Test func reasoningRoundTripsWithTheMessageAndWithToolCalls() async throws {
        // Text: reasoning, then its message (with its id) as OpenAI returned them.
        let text = try await firstTurn("demo-thinking")
        let (status, json) = try await secondTurn(text)
        #expect(status == 200)
        #expect(Self.text(json).hasPrefix("Verified 1 signature."))
        // Tool loop: reasoning, the call as returned, its output: answered in text.
        let calls = try await firstTurn("mock:thinking,tools=2")
        let outputs: [JSONValue] = calls.compactMap { item in
            item["type"]?.stringValue == "function_call"
                ? ["type": "function_call_output", "call_id": item["call_id"] ?? "", "output": "20C"] : nil
        }
        let (loop, answer) = try await secondTurn(calls, tail: outputs, model: "demo-thinking")
        #expect(loop == 200)
        #expect(Self.text(answer).hasPrefix("Received 2 tool results. Verified 1 signature."))
        // Clients that drop ids (stateless, like the usage capture) are fine too.
        let bare = calls.map { item -> JSONValue in
            guard case .object(var o) = item else { return item }
            o["id"] = nil
            o["status"] = nil
            return .object(o)
        }
        #expect(try await secondTurn(bare, tail: outputs).0 == 200)
    }

    enum Damage: String, CaseIterable {
        case flippedByte, foreign, inProgressCopy, anthropicSignature, tagged
    }

    @Test("altered or foreign encrypted content is OpenAI's 400", arguments: Damage.allCases)
    func rejects(_ damage: Damage) async throws {
        let items = try await firstTurn("demo-thinking")
        guard case .object(var reasoning) = items[0], let content = reasoning["encrypted_content"]?.stringValue else {
            Issue.record("no reasoning")
            return
        }
        switch damage {
        case .flippedByte:
            var chars = Array(content)
            chars[12] = chars[12] == "A" ? "B" : "A"
            reasoning["encrypted_content"] = .string(String(chars))
        case .foreign:
            // Real OpenAI encrypted content, from a capture.
            let request = try Support.fixtureJSON("responses/second-turn-function-call-output.request.json")
            reasoning["encrypted_content"] = request["input"]?.arrayValue?[1]["encrypted_content"]
        case .inProgressCopy:
            let body = Responses.body(
                "demo-thinking",
                #""input":"weather?","stream":true,"include":["reasoning.encrypted_content"],"store":false"#)
            let added = Support.sse(try await Responses.call(upstream, body).bytes).map(Responses.data)
                .first { $0["type"]?.stringValue == "response.output_item.added" }
            reasoning["encrypted_content"] = added?["item"]?["encrypted_content"]
        case .anthropicSignature:
            reasoning["encrypted_content"] = .string(upstream.signer.mint(.anthropicThinking, content: "x"))
        case .tagged:
            reasoning["encrypted_content"] = .string("plexus:responses:" + content)
        }
        let sent = try #require(reasoning["encrypted_content"]?.stringValue)
        let (status, json) = try await secondTurn([.object(reasoning), items[1]])
        #expect(status == 400)
        let error = try #require(json["error"])
        #expect(error["type"]?.stringValue == "invalid_request_error")
        #expect(error["code"]?.stringValue == "invalid_encrypted_content")
        #expect(error["param"]?.isNull == true)
        #expect(
            error["message"]?.stringValue == "The encrypted content \(sent.prefix(4))...\(sent.suffix(4)) could not be "
                + "verified. Reason: Encrypted content could not be decrypted or parsed.")
    }

    @Test func reasoningWithoutItsFollowingItemIsTheCapturesError() async throws {
        // The capture's request, with encrypted content the mock minted: the same 400, word for word.
        let minted = try #require(try await firstTurn("demo-thinking").first?["encrypted_content"])
        guard
            case .object(var request) = try Support.fixtureJSON(
                "responses/error-400-reasoning-without-following-item.request.json"),
            var input = request["input"]?.arrayValue, case .object(var reasoning) = input[1]
        else {
            Issue.record("fixture")
            return
        }
        reasoning["encrypted_content"] = minted
        input[1] = .object(reasoning)
        request["input"] = .array(input)
        let (response, bytes, _) = try await Responses.call(upstream, JSONValue.object(request).serialized())
        #expect(response.status == 400)
        let mine = try #require(try JSONValue(parsing: bytes)["error"])
        let theirs = try #require(
            try Support.fixtureJSON("responses/error-400-reasoning-without-following-item.json")["error"])
        for key in ["message", "type", "param", "code"] { #expect(mine[key] == theirs[key], "\(key)") }
        // Also when the reasoning comes last, or before the user's turn.
        let items = try await firstTurn("demo-thinking")
        #expect(try await secondTurn([items[0]], tail: []).0 == 400)
        #expect(try await secondTurn([items[0]]).0 == 400)
        // Followed by its message with the id: fine; without the id only when the reasoning names none either.
        #expect(try await secondTurn(items).0 == 200)
    }

    @Test func reasoningWithoutEncryptedContentIsALookupThatFails() async throws {
        let item: JSONValue = ["type": "reasoning", "id": "rs_123", "summary": []]
        let (status, json) = try await secondTurn([
            item,
            [
                "type": "message", "role": "assistant", "id": "msg_1",
                "content": [["type": "output_text", "text": "hi"]],
            ],
        ])
        #expect(status == 404)
        #expect(
            json["error"]?["message"]?.stringValue == "Item with id 'rs_123' not found. Items are not persisted when "
                + "`store` is set to false. Try again with `store` set to true, or remove this item from your input.")
        #expect(json["error"]?["param"]?.stringValue == "input")
    }

    // MARK: Statelessness

    @Test func previousResponseIDIsUnknown() async throws {
        for capture in ["previous-response-id.request.json", "previous-response-id-stream.request.json"] {
            let request = try Support.fixtureJSON("responses/" + capture)
            let (response, bytes, _) = try await Responses.call(upstream, request.serialized())
            #expect(response.status == 400)
            #expect(response.header("x-request-id") != nil)
            let id = try #require(request["previous_response_id"]?.stringValue)
            #expect(
                try JSONValue(parsing: bytes) == [
                    "error": [
                        "message": .string("Previous response with id '\(id)' not found."),
                        "type": "invalid_request_error",
                        "param": "previous_response_id", "code": "previous_response_not_found",
                    ]
                ])
        }
        // The model was still counted, as for any refused request.
        #expect(await upstream.stats.requests(for: "gpt-4.1") == 2)
    }

    @Test func storedResponsesDoNotExist() async throws {
        for (method, path) in [
            ("GET", "/v1/responses/resp_abc"), ("DELETE", "/v1/responses/resp_abc"),
            ("GET", "/v1/responses/resp_abc/input_items"), ("POST", "/v1/responses/resp_abc/cancel"),
        ] {
            let response = try await upstream.handle(MockRequest(method: method, path: path))
            #expect(response.status == 404, "\(method) \(path)")
            #expect(response.header("x-request-id")?.hasPrefix("req_") == true)
            let error = try JSONValue(parsing: try await Support.collect(response.body).bytes)["error"]
            #expect(error?["message"]?.stringValue == "Response with id 'resp_abc' not found.")
            #expect(error?["type"]?.stringValue == "invalid_request_error")
        }
        let unknown = try await upstream.handle(MockRequest(method: "PUT", path: "/v1/responses/resp_abc"))
        #expect(unknown.status == 404)
        #expect(String(decoding: try await Support.collect(unknown.body).bytes, as: UTF8.self).contains("unknown_url"))
    }

    @Test func otherStateIsRefusedToo() async throws {
        let cases: [(String, Int, String)] = [
            (#""conversation":"conv_1","input":"x""#, 404, "Conversation with id 'conv_1' not found."),
            (#""input":[{"type":"item_reference","id":"msg_9"}]"#, 404, "Item with id 'msg_9' not found."),
            (
                #""input":[{"type":"function_call_output","call_id":"call_1","output":"x"}]"#, 400,
                "No tool call found for function call output with call_id call_1."
            ),
            (
                #""input":[{"role":"user","content":"x"},{"type":"function_call","call_id":"call_2","name":"f","arguments":"{}"}]"#,
                400,
                "No tool output found for function call call_2."
            ),
        ]
        for (rest, status, message) in cases {
            let (response, bytes, _) = try await Responses.call(upstream, Responses.body("demo-fast", rest))
            #expect(response.status == status, "\(rest)")
            #expect(try JSONValue(parsing: bytes)["error"]?["message"]?.stringValue == message)
        }
    }

    // MARK: Conversation

    @Test func toolResultsAndImagesAreAcknowledged() async throws {
        let image = "data:image/png;base64,iVBORw0KGgo="
        let rest =
            #""instructions":"be brief","input":[{"role":"user","content":[{"type":"input_text","text":"see"},{"type":"input_image","image_url":"\#(image)"}]},{"type":"function_call","call_id":"call_a","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"call_a","output":"ok"}]"#
        let json = try JSONValue(parsing: try await Responses.call(upstream, Responses.body("demo-tools", rest)).bytes)
        #expect(Self.text(json).hasPrefix("Received 1 tool result. Image 1 image/png 8 bytes crc32"))
        #expect(json["instructions"]?.stringValue == "be brief")
        #expect(!(json["output"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == "function_call" })
    }

    // MARK: Faults

    @Test(
        "failure statuses in OpenAI's shape",
        arguments: [
            (429, "rate_limit_error", "rate_limit_exceeded"), (500, "api_error", nil as String?),
            (503, "service_unavailable_error", nil), (404, "invalid_request_error", "model_not_found"),
        ])
    func failure(status: Int, type: String, code: String?) async throws {
        let (response, bytes, _) = try await Responses.call(
            upstream, Responses.body("demo-fast"),
            headers: [("x-mock-behavior", "fail=\(status),retry_after=7")])
        #expect(response.status == status)
        #expect(response.header("retry-after") == "7")
        let error = try #require(try JSONValue(parsing: bytes)["error"])
        #expect(error["type"]?.stringValue == type)
        #expect(error["code"]?.stringValue == code)
    }

    @Test func resetAndStallBeforeTheHead() async throws {
        await #expect(throws: MockError.resetBeforeFirstByte) {
            _ = try await upstream.handle(Support.post("/v1/responses", Responses.body("mock:reset")))
        }
        let task = Task { try await upstream.handle(Support.post("/v1/responses", Responses.body("mock:stall"))) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        _ = try? await task.value
        #expect(await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.requestsCancelled == 1 } != nil)
    }

    @Test("reset after K events cuts the stream", arguments: [0, 2, 5])
    func resetAfter(k: Int) async throws {
        let (_, bytes, error) = try await Responses.call(
            upstream, Responses.body("mock:reset_after=\(k)", #""input":"x","stream":true"#))
        #expect(error as? MockError == .reset)
        #expect(Support.sse(bytes).count == k)
        #expect(await upstream.stats.snapshot().streamsReset == 1)
    }

    @Test func stallAfterKEvents() async throws {
        let response = try await upstream.handle(
            Support.post("/v1/responses", Responses.body("mock:stall_after=2", #""input":"x","stream":true"#)))
        guard case .stream(let stream) = response.body else {
            Issue.record("not a stream")
            return
        }
        let task = Task {
            var n = 0
            for try await _ in stream { n += 1 }
            return n
        }
        #expect(await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.lastChunkAt != nil } != nil)
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        _ = try? await task.value
        #expect(await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 } != nil)
    }

    @Test("error inside a 200 stream: an error event, or response.failed", arguments: [0, 1, 3, 8])
    func errorEvent(k: Int) async throws {
        let body = Responses.body(
            "mock:thinking=3,tools=1", #""input":"x","stream":true,"reasoning":{"summary":"auto"}"#)
        let (response, bytes, error) = try await Responses.call(
            upstream, body, headers: [("x-mock-behavior", "error_event=\(k)")])
        #expect(response.status == 200)
        #expect(error == nil)
        let events = Support.sse(bytes)
        #expect(events.count == k + 1)
        #expect(Responses.grammarProblems(events) == [])
        let last = Responses.data(try #require(events.last))
        if k == 0 {
            #expect(events.last?.event == "error")
            #expect(
                last == [
                    "type": "error", "code": "server_error", "message": "Overloaded", "param": nil,
                    "sequence_number": 0,
                ])
        } else {
            #expect(events.last?.event == "response.failed")
            #expect(last["response"]?["status"]?.stringValue == "failed")
            #expect(last["response"]?["error"] == ["code": "server_error", "message": "Overloaded"])
            #expect(last["response"]?["usage"]?.isNull == true)
        }
        #expect(await upstream.stats.snapshot().streamsCompleted == 1)
    }

    @Test func errorKindsAndUnaryErrorEvents() async throws {
        let body = Responses.body("mock:error_event=2,error_kind=rate_limited", #""input":"x","stream":true"#)
        let last = Support.sse(try await Responses.call(upstream, body).bytes).last.map(Responses.data)
        #expect(last?["response"]?["error"]?["code"]?.stringValue == "rate_limit_exceeded")
        let (unary, bytes, _) = try await Responses.call(upstream, Responses.body("mock:error_event"))
        #expect(unary.status == 529)
        #expect(try JSONValue(parsing: bytes)["error"]?["type"]?.stringValue == "service_unavailable_error")
    }

    @Test func silentReasoningStillTakesItsTime() async throws {
        // 10 reasoning tokens at 50 tokens/s, no summary: nothing streams, but the answer waits for them.
        let start = ContinuousClock.now
        let (_, bytes, _) = try await Responses.call(
            upstream, Responses.body("mock:thinking=10,tokens=1,tps=50", #""input":"x","stream":true"#))
        #expect(ContinuousClock.now - start >= .milliseconds(190))
        #expect(Responses.grammarProblems(Support.sse(bytes)) == [])
    }

    @Test func statsCountResponsesRequests() async throws {
        _ = try await Responses.call(upstream, Responses.body("demo-fast"))
        _ = try await Responses.call(upstream, Responses.body("demo-fast", #""input":"x","stream":true"#))
        let snap = await upstream.stats.snapshot()
        #expect(snap.requestsByModel["demo-fast"] == 2)
        #expect(snap.streamsStarted == 1)
        #expect(snap.streamsCompleted == 1)
        #expect(await upstream.stats.lastRequestJSON(for: "demo-fast")?["stream"]?.boolValue == true)
    }
}

/// The wire options on the Responses route, over loopback: the same bytes shaping as on the other routes.
@Suite("OpenAI Responses wire faults over loopback", .serialized)
struct ResponsesWireTests {
    static func request(_ model: String, stream: Bool, headers: [(String, String)] = []) -> [UInt8] {
        let body = #"{"model":"\#(model)","stream":\#(stream),"input":"hi"}"#
        return RawHTTP.request(
            "POST", "/v1/responses", body: Array(body.utf8),
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer sk-test")] + headers)
    }

    static func lastType(_ body: [UInt8]) -> String? {
        Support.sse(body).last.flatMap { Responses.data($0)["type"]?.stringValue }
    }

    @Test("unary and stream, keep-alive", arguments: [false, true])
    func basics(stream: Bool) async throws {
        let exchange = try await MockServerTests.withServer { port in
            try await RawHTTP.exchange(port: port, Self.request("demo-tools", stream: stream))
        }
        let response = try #require(exchange.response)
        #expect(response.status == 200)
        #expect(response.complete)
        #expect(response.header("x-request-id") != nil)
        if stream {
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(Responses.grammarProblems(Support.sse(response.body)) == [])
        } else {
            #expect(
                try JSONValue(parsing: response.body)["output"]?.arrayValue?.first?["name"]?.stringValue
                    == "get_weather")
        }
    }

    @Test(
        "close, http10, eof_body: the whole answer, then EOF", arguments: ["close=1", "http10=1", "eof_body=1"],
        [false, true])
    func closing(option: String, stream: Bool) async throws {
        let received = try await WireFaultTests.toEnd(Self.request("mock:\(option)", stream: stream))
        #expect(received.ending == .eof)
        if option == "http10=1" { #expect(received.text.hasPrefix("HTTP/1.0 200 OK\r\n")) }
        let body =
            option == "close=1"
            ? try #require(RawHTTP.parse(received.bytes[...])).body
            : WireFaultTests.bodyAfterHead(received.bytes)
        if stream {
            #expect(Self.lastType(body) == "response.completed")
        } else {
            #expect(try JSONValue(parsing: body)["status"]?.stringValue == "completed")
        }
    }

    @Test("reset_at=B cuts the Responses answer at byte B", arguments: [false, true])
    func resetAt(stream: Bool) async throws {
        let close = ("Connection", "close")
        let received = try await WireFaultTests.toEnd(
            [
                Self.request("mock", stream: stream, headers: [close]),
                Self.request("mock", stream: stream, headers: [close, ("x-mock-behavior", "reset_at=300")]),
            ], upstream: MockUpstream(secret: "wire"))
        #expect(received[1].ending == .reset)
        #expect(received[1].bytes == Array(received[0].bytes.prefix(300)))
    }

    @Test func midStreamFailureOverTheWire() async throws {
        let received = try await WireFaultTests.toEnd(Self.request("mock:tokens=2,close=1,error_event=3", stream: true))
        #expect(received.ending == .eof)
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.status == 200)
        #expect(Self.lastType(response.body) == "response.failed")
    }
}
