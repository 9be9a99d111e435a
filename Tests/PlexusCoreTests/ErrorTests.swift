import PlexusCore
import Testing

/// Upstream errors (captured and synthetic) map to the gateway's error, and render back in each client protocol.
@Suite struct ErrorTests {
    @Test(arguments: Fixtures.errors)
    func capturedErrorsMap(_ f: Fixture) throws {
        let status = try #require(f.errorStatus)
        let e = Translator.decodeError(status: status, body: f.bytes, from: f.proto)
        let expected: PlexusError.Kind =
            switch status {
            case 404: .notFound
            case 429: .rateLimited
            default: .invalidRequest
            }
        #expect(e.kind == expected)
        #expect(e.httpStatus == status)
        #expect(e.message == f.json["error"]?["message"]?.stringValue)
        for client in APIProtocol.allCases {
            let body = try JSONValue(parsing: e.body(for: client))
            #expect(body["error"]?["message"]?.stringValue == e.message)
        }
    }

    static let synthetic: [(APIProtocol, Int, String, PlexusError.Kind)] = [
        (
            .chat, 429,
            #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
            .rateLimited
        ),
        (
            .chat, 401,
            #"{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}"#,
            .authentication
        ),
        (.chat, 500, #"{"error":{"message":"The server had an error","type":"server_error"}}"#, .upstream),
        (.messages, 529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, .overloaded),
        (.messages, 429, #"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#, .rateLimited),
        (
            .messages, 413, #"{"type":"error","error":{"type":"request_too_large","message":"too big"}}"#,
            .requestTooLarge
        ),
        (
            .gemini, 400, #"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}"#,
            .invalidRequest
        ),
        (
            .gemini, 503, #"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#,
            .unavailable
        ),
        (
            .gemini, 429, #"[{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}]"#,
            .rateLimited
        ),
        (.chat, 502, "<html>Bad gateway</html>", .upstream),
    ]

    @Test(arguments: synthetic)
    func statusAndBodyMap(_ proto: APIProtocol, _ status: Int, _ body: String, _ kind: PlexusError.Kind) {
        let e = Translator.decodeError(status: status, body: Array(body.utf8), from: proto)
        #expect(e.kind == kind)
        #expect(e.httpStatus == status)
        #expect(!e.message.isEmpty)
    }

    static let streamErrors: [(APIProtocol, SSEEvent, PlexusError.Kind)] = [
        (.chat, SSEEvent(data: #"{"error":{"message":"boom","type":"server_error"}}"#), .upstream),
        (
            .messages,
            SSEEvent(
                event: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
            .overloaded
        ),
        (.gemini, SSEEvent(data: #"{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}"#), .unavailable),
        (
            .responses,
            SSEEvent(
                event: "error",
                data:
                    #"{"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":3}"#
            ), .rateLimited
        ),
        (
            .responses,
            SSEEvent(
                event: "error",
                data:
                    #"{"type":"error","sequence_number":2,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long","param":"input"}}"#
            ), .invalidRequest
        ),
        (
            .responses,
            SSEEvent(
                event: "response.failed",
                data:
                    #"{"type":"response.failed","sequence_number":4,"response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}}"#
            ), .upstream
        ),
    ]

    @Test(arguments: streamErrors)
    func streamErrorEventsDecode(_ proto: APIProtocol, _ event: SSEEvent, _ kind: PlexusError.Kind) throws {
        var d = StreamCodecs.decoder(for: proto)
        let events = try d.decode(event)
        guard case .error(let e)? = events.last else {
            Issue.record("no error event: \(events)")
            return
        }
        #expect(e.kind == kind)
    }

    @Test(arguments: APIProtocol.generative)
    func streamErrorsRenderInTheClientProtocol(_ client: APIProtocol) throws {
        var enc = StreamCodecs.encoder(for: client, clientModel: "m", includeUsage: true, geminiJSONArray: false)
        var bytes = enc.encode(.start(id: "x", model: "up", created: 1))
        bytes += enc.encode(.blockStart(index: 0, kind: .text))
        bytes += enc.encode(.delta(index: 0, delta: .text("partial")))
        bytes += enc.encode(.error(PlexusError(.overloaded, "Upstream overloaded")))
        bytes += enc.finish()
        let events = RawStreamExpectations.events(bytes)
        switch client {
        case .responses:
            // The open item is closed, then `response.failed` carries the error and the answer so far.
            #expect(ResponsesStreamValidator.validate(events) == [])
            #expect(events.last?.event == "response.failed")
            let failed = try JSONValue(parsing: events.last!.data)["response"]
            #expect(failed?["error"]?["message"]?.stringValue == "Upstream overloaded")
            #expect(failed?["output"]?.at(0)?["content"]?.at(0)?["text"]?.stringValue == "partial")
        case .chat, .embeddings:
            #expect(events.last?.data == "[DONE]")
            let err = try JSONValue(parsing: events[events.count - 2].data)
            #expect(err["error"]?["message"]?.stringValue == "Upstream overloaded")
        case .messages:
            #expect(events.last?.event == "error")
            #expect(try JSONValue(parsing: events.last!.data)["error"]?["type"]?.stringValue == "overloaded_error")
        case .gemini:
            #expect(try JSONValue(parsing: events.last!.data)["error"]?["status"]?.stringValue == "UNAVAILABLE")
        }
        // Nothing is written after the error.
        #expect(!events.contains { $0.event == "message_stop" || $0.data.contains("finishReason") })
    }

    @Test func malformedUpstreamEventIsAnUpstreamError() {
        var d = StreamCodecs.decoder(for: .chat)
        #expect(throws: PlexusError.self) { try d.decode(SSEEvent(data: "{not json")) }
    }

    @Test(arguments: APIProtocol.generative)
    func malformedClientBodyNamesThePosition(_ proto: APIProtocol) {
        do {
            _ = try Translator.decodeRequest(Array(#"{"messages": [}"#.utf8), from: proto, model: "m")
            Issue.record("accepted malformed JSON")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("byte"))
        }
    }

    @Test(arguments: APIProtocol.generative)
    func missingMessagesIsNamed(_ proto: APIProtocol) {
        do {
            _ = try Translator.decodeRequest(Array(#"{"model": "x"}"#.utf8), from: proto, model: "m")
            Issue.record("accepted a body without messages")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.param == (proto == .gemini ? "contents" : proto == .responses ? "input" : "messages"))
        }
    }
}
