import PlexusCore
import Testing

@testable import PlexusMock

@Suite("Presets, determinism and faults (in process)")
struct PresetAndFaultTests {
    static let chatBody = #"{"model":"MODEL","messages":[{"role":"user","content":"hello there"}],"stream":STREAM}"#

    static func chat(_ model: String, stream: Bool = false) -> [UInt8] {
        Support.json(
            chatBody.replacingOccurrences(of: "MODEL", with: model)
                .replacingOccurrences(of: "STREAM", with: stream ? "true" : "false"))
    }

    @Test(
        "presets over all four protocols", arguments: ["demo-fast", "demo-tools", "demo-thinking"],
        [APIProtocol.chat, .messages, .gemini, .responses])
    func presets(model: String, proto: APIProtocol) async throws {
        let upstream = MockUpstream(secret: "p")
        let (path, body): (String, String) =
            switch proto {
            case .chat, .embeddings:
                ("/v1/chat/completions", #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#)
            // Responses shows reasoning text only as a summary, when asked for one.
            case .responses: ("/v1/responses", #"{"model":"\#(model)","input":"hi","reasoning":{"summary":"auto"}}"#)
            case .messages:
                ("/v1/messages", #"{"model":"\#(model)","max_tokens":99,"messages":[{"role":"user","content":"hi"}]}"#)
            case .gemini: ("/v1beta/models/\(model):generateContent", #"{"contents":[{"parts":[{"text":"hi"}]}]}"#)
            }
        let response = try await upstream.handle(Support.post(path, Support.json(body)))
        #expect(response.status == 200)
        let text = String(decoding: try await Support.collect(response.body).bytes, as: UTF8.self)
        switch model {
        case "demo-tools": #expect(text.contains("get_weather"))
        case "demo-thinking": #expect(text.contains("Considering"))
        default: #expect(!text.contains("get_weather") && !text.contains("Considering"))
        }
        #expect(await upstream.stats.requests(for: model) == 1)
    }

    @Test func demoSlowIsPacedAndCancellable() async throws {
        let upstream = MockUpstream()
        let response = try await upstream.handle(
            Support.post("/v1/chat/completions", Self.chat("demo-slow", stream: true)))
        guard case .stream(let stream) = response.body else {
            Issue.record("not a stream")
            return
        }
        // The role chunk comes at once; the first token waits 800 ms; cancel while waiting.
        let task = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        let started = await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.lastChunkAt != nil }
        #expect(started != nil)
        task.cancel()
        _ = try? await task.value
        let snap = await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 }
        #expect(snap?.streamsCompleted == 0)
    }

    @Test func sameInputSameOutput() async throws {
        let a = MockUpstream(secret: "same")
        let b = MockUpstream(secret: "same")
        for model in ["demo-thinking", "mock:tools=3,thinking"] {
            for path in ["/v1/messages", "/v1beta/models/\(model):streamGenerateContent?alt=sse"] {
                let body = Support.json(
                    #"{"model":"\#(model)","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"x"}],"contents":[{"parts":[{"text":"x"}]}]}"#
                )
                let one = try await Support.collect(try await a.handle(Support.post(path, body)).body).bytes
                let two = try await Support.collect(try await a.handle(Support.post(path, body)).body).bytes
                let three = try await Support.collect(try await b.handle(Support.post(path, body)).body).bytes
                #expect(one == two)
                #expect(one == three)
                #expect(!one.isEmpty)
            }
        }
    }

    @Test func failFirstCountsPerInstance() async throws {
        let upstream = MockUpstream()
        var statuses: [Int] = []
        for _ in 0..<4 {
            statuses.append(
                try await upstream.handle(Support.post("/v1/chat/completions", Self.chat("mock:fail_first=2,fail=503")))
                    .status)
        }
        #expect(statuses == [503, 503, 200, 200])
        // A new instance starts counting again.
        #expect(
            try await MockUpstream().handle(
                Support.post("/v1/chat/completions", Self.chat("mock:fail_first=2,fail=503"))
            ).status == 503)
    }

    @Test func failRateIsRoughlyHonouredAndReproducible() async throws {
        func run() async throws -> [Int] {
            let upstream = MockUpstream()
            var out: [Int] = []
            for _ in 0..<200 {
                out.append(
                    try await upstream.handle(
                        Support.post("/v1/chat/completions", Self.chat("mock:fail_rate=0.3,fail=429"))
                    ).status)
            }
            return out
        }
        let first = try await run()
        let failures = first.filter { $0 == 429 }.count
        #expect((30...90).contains(failures))
        #expect(try await run() == first)
    }

    @Test(
        "failure statuses in each protocol's shape",
        arguments: [
            (429, "/v1/chat/completions", "rate_limit_error"),
            (429, "/v1/responses", "rate_limit_error"),
            (503, "/v1/responses", "service_unavailable_error"),
            (500, "/v1/chat/completions", "api_error"),
            (429, "/v1/messages", "rate_limit_error"),
            (529, "/v1/messages", "overloaded_error"),
            (500, "/v1/messages", "api_error"),
            (429, "/v1beta/models/m:generateContent", "RESOURCE_EXHAUSTED"),
            (503, "/v1beta/models/m:generateContent", "UNAVAILABLE"),
        ])
    func failureShapes(status: Int, path: String, type: String) async throws {
        let upstream = MockUpstream()
        let body = Support.json(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"contents":[{"parts":[{"text":"x"}]}],"input":"x"}"#
        )
        let response = try await upstream.handle(
            Support.post(path, body, headers: [("x-mock-behavior", "fail=\(status),retry_after=7")]))
        #expect(response.status == status)
        #expect(response.header("retry-after") == "7")
        let json = try JSONValue(parsing: try await Support.collect(response.body).bytes)
        let found = json["error"]?["type"]?.stringValue ?? json["error"]?["status"]?.stringValue
        #expect(found == type)
        if path == "/v1/messages" { #expect(json["type"]?.stringValue == "error") }
    }

    @Test func resetBeforeFirstByteThrows() async throws {
        let upstream = MockUpstream()
        await #expect(throws: MockError.resetBeforeFirstByte) {
            _ = try await upstream.handle(Support.post("/v1/chat/completions", Self.chat("mock:reset")))
        }
    }

    @Test("reset after K events cuts the stream", arguments: [0, 1, 3])
    func resetAfter(k: Int) async throws {
        let upstream = MockUpstream()
        let response = try await upstream.handle(
            Support.post("/v1/chat/completions", Self.chat("mock:reset_after=\(k)", stream: true)))
        let (bytes, error) = try await Support.collect(response.body)
        #expect(error as? MockError == .reset)
        #expect(Support.sse(bytes).count == k)
        #expect(await upstream.stats.snapshot().streamsReset == 1)
    }

    @Test("flood after K events: a line that never ends", arguments: [(0, true), (2, true), (0, false)])
    func flood(k: Int, stream: Bool) async throws {
        let upstream = MockUpstream()
        let response = try await upstream.handle(
            Support.post("/v1/chat/completions", Self.chat("mock:flood=\(k)", stream: stream)))
        #expect(response.status == 200)
        guard case .stream(let body) = response.body else {
            Issue.record("a flood is a stream")
            return
        }
        var bytes: [UInt8] = []
        for try await part in body {
            bytes += part
            if bytes.count > 1 << 20 { break }
        }
        var parser = SSEParser()
        let events = parser.feed(bytes)
        #expect(events.count == (stream ? k : 0))
        let tail = bytes[(bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)...]
        #expect(tail.starts(with: Array("data: xxxx".utf8)))
        #expect(tail.count > 1 << 20 - 4096)
        #expect(tail.dropFirst(6).allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test(
        "endless: valid events whose text never ends, in every protocol",
        arguments: [
            "/v1/chat/completions", "/v1/messages", "/v1/responses",
            "/v1beta/models/mock:endless,tokens=3:streamGenerateContent?alt=sse",
        ])
    func endless(path: String) async throws {
        let upstream = MockUpstream()
        let body = Support.json(
            #"{"model":"mock:endless,tokens=3","max_tokens":5,"stream":true,"input":"x","messages":[{"role":"user","content":"x"}],"contents":[{"parts":[{"text":"x"}]}]}"#
        )
        let response = try await upstream.handle(Support.post(path, body))
        guard case .stream(let stream) = response.body else {
            Issue.record("an endless answer is a stream")
            return
        }
        var bytes: [UInt8] = []
        for try await part in stream {
            bytes += part
            if bytes.count > 1 << 20 { break }
        }
        var parser = SSEParser()
        let events = parser.feed(bytes)
        let json = try events.map { try JSONValue(parsing: $0.data) }
        #expect(json.count > 16, "each event is whole JSON")
        let words = events.reduce(0) { $0 + $1.data.components(separatedBy: "endless ").count - 1 }
        #expect(words > 100_000, "\(words) words of text past the scripted ones")
        let endings = ["[DONE]", #""finish_reason":""#, "finishReason", "message_stop", "response.completed"]
        #expect(!events.contains { e in endings.contains { e.data.contains($0) } })
    }

    @Test(
        "error event inside a 200 stream",
        arguments: [
            ("/v1/chat/completions", 0), ("/v1/chat/completions", 2),
            ("/v1/messages", 0), ("/v1/messages", 3),
            ("/v1beta/models/m:streamGenerateContent?alt=sse", 0),
            ("/v1beta/models/m:streamGenerateContent?alt=sse", 2),
        ])
    func errorEvent(path: String, k: Int) async throws {
        let upstream = MockUpstream()
        let body = Support.json(
            #"{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}],"contents":[{"parts":[{"text":"x"}]}]}"#
        )
        let response = try await upstream.handle(
            Support.post(path, body, headers: [("x-mock-behavior", "error_event=\(k)")]))
        #expect(response.status == 200)
        let events = Support.sse(try await Support.collect(response.body).bytes)
        let error = try #require(events.dropFirst(k).first)
        let json = try JSONValue(parsing: error.data)
        if path == "/v1/messages" {
            #expect(error.event == "error")
            #expect(json["error"]?["type"]?.stringValue == "overloaded_error")
        } else {
            #expect(json["error"] != nil)
        }
        if path == "/v1/chat/completions" { #expect(events.last?.data == "[DONE]") }
        #expect(await upstream.stats.snapshot().streamsCompleted == 1)
    }

    @Test func geminiArrayStreamStaysValidJSONWithAnErrorEvent() async throws {
        let upstream = MockUpstream()
        let body = Support.json(#"{"contents":[{"parts":[{"text":"x"}]}]}"#)
        let response = try await upstream.handle(
            Support.post("/v1beta/models/mock:tokens=5,error_event=2:streamGenerateContent", body))
        let array = try #require(try JSONValue(parsing: try await Support.collect(response.body).bytes).arrayValue)
        #expect(array.count == 3)
        #expect(array.last?["error"]?["status"]?.stringValue == "UNAVAILABLE")
    }

    @Test func unknownRoutesAndModelLists() async throws {
        let upstream = MockUpstream()
        let cases: [(MockRequest, Int, String)] = [
            (MockRequest(method: "POST", path: "/v1/nope"), 404, "unknown_url"),
            (MockRequest(method: "GET", path: "/v1beta/nothing"), 404, "NOT_FOUND"),
            (MockRequest(method: "POST", path: "/v1/messages/batches"), 404, "not_found_error"),
            (MockRequest(method: "POST", path: "/v1/responses/compact"), 404, "unknown_url"),
            (MockRequest(method: "GET", path: "/v1/responses/resp_1"), 404, "Response with id 'resp_1' not found."),
            (MockRequest(method: "GET", path: "/v1/models"), 200, "\"object\":\"list\""),
            (
                MockRequest(method: "GET", path: "/v1/models", headers: [("anthropic-version", "2023-06-01")]), 200,
                "\"has_more\":false"
            ),
            (MockRequest(method: "GET", path: "/v1beta/models?key=x"), 200, "models/demo-slow"),
        ]
        for (request, status, mention) in cases {
            let response = try await upstream.handle(request)
            #expect(response.status == status)
            #expect(String(decoding: try await Support.collect(response.body).bytes, as: UTF8.self).contains(mention))
        }
    }

    @Test func statsRecordModelsAndBodies() async throws {
        let upstream = MockUpstream()
        _ = try await upstream.handle(Support.post("/v1/chat/completions", Self.chat("demo-fast")))
        _ = try await upstream.handle(Support.post("/v1/chat/completions", Self.chat("demo-fast", stream: true)))
        let r = try await upstream.handle(Support.post("/v1/chat/completions", Self.chat("demo-tools", stream: true)))
        _ = try await Support.collect(r.body)
        let snap = await upstream.stats.snapshot()
        #expect(snap.requestsByModel == ["demo-fast": 2, "demo-tools": 1])
        #expect(snap.streamsStarted == 2)
        #expect(snap.streamsCompleted == 1)
        #expect(await upstream.stats.lastRequestJSON(for: "demo-fast")?["stream"]?.boolValue == true)
        // The second demo-fast stream was dropped unread: counted as cancelled.
        #expect(await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 } != nil)
    }
}
