import NIOCore
import NIOPosix
import PlexusCore
import Testing

@testable import PlexusMock

@Suite("MockServer over loopback", .serialized)
struct MockServerTests {
    struct NotBound: Error {}

    /// Runs a server on a free port for the duration of `body`, then cancels it and waits for it to stop.
    static func withServer<T: Sendable>(
        _ upstream: MockUpstream = MockUpstream(), _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let server = MockServer(upstream: upstream)
            group.addTask {
                defer { continuation.finish() }
                try await server.run(onBound: { continuation.yield($0) })
                return nil
            }
            guard let port = await ports.first(where: { _ in true }) else { throw NotBound() }
            let result = try await Support.withTimeout(20) { try await body(port) }
            group.cancelAll()
            for try await _ in group {}
            return result
        }
    }

    static let chat = #"{"model":"MODEL","stream":STREAM,"messages":[{"role":"user","content":"hi"}]}"#

    static func chatRequest(_ model: String, stream: Bool, headers: [(String, String)] = []) -> [UInt8] {
        let body = chat.replacingOccurrences(of: "MODEL", with: model).replacingOccurrences(
            of: "STREAM", with: "\(stream)")
        return RawHTTP.request(
            "POST", "/v1/chat/completions", body: Array(body.utf8),
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer sk-test")] + headers)
    }

    static func events(_ response: RawHTTP.Response?) -> [SSEEvent] { Support.sse(response?.body ?? []) }

    @Test(
        "unary and stream per protocol", arguments: [APIProtocol.chat, .messages, .gemini, .responses], [false, true])
    func basics(proto: APIProtocol, stream: Bool) async throws {
        let (path, body): (String, String) =
            switch proto {
            case .chat, .embeddings:
                (
                    "/v1/chat/completions",
                    #"{"model":"demo-tools","stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#
                )
            case .responses: ("/v1/responses", #"{"model":"demo-tools","stream":\#(stream),"input":"hi"}"#)
            case .messages:
                (
                    "/v1/messages",
                    #"{"model":"demo-tools","stream":\#(stream),"max_tokens":9,"messages":[{"role":"user","content":"hi"}]}"#
                )
            case .gemini:
                (
                    "/v1beta/models/demo-tools:\(stream ? "streamGenerateContent?alt=sse" : "generateContent")",
                    #"{"contents":[{"parts":[{"text":"hi"}]}]}"#
                )
            }
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(port: port, RawHTTP.request("POST", path, body: Array(body.utf8)))
        }
        let response = try #require(exchange.response)
        #expect(response.status == 200)
        #expect(response.complete)
        if stream {
            #expect(response.header("transfer-encoding") == "chunked")
            let events = Support.sse(response.body)
            #expect(events.count >= 1)
            #expect(events.allSatisfy { $0.data == "[DONE]" || (try? JSONValue(parsing: $0.data)) != nil })
        } else {
            #expect(response.header("content-length") == String(response.body.count))
        }
        #expect(String(decoding: response.body, as: UTF8.self).contains("get_weather"))
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let statuses = try await Self.withServer { port in
            try await RawHTTP.withConnection(port: port) { connection in
                var out: [Int] = []
                for (model, stream) in [
                    ("demo-fast", false), ("demo-thinking", true), ("mock:fail=429", false), ("demo-tools", true),
                ] {
                    try await connection.send(Self.chatRequest(model, stream: stream))
                    let exchange = try await connection.read()
                    #expect(exchange.response?.complete == true)
                    out.append(exchange.response?.status ?? 0)
                }
                return out
            }
        }
        #expect(statuses == [200, 200, 429, 200])
    }

    @Test(
        "failure statuses with headers",
        arguments: [
            ("mock:fail=429,retry_after=3", 429, "3"),
            ("mock:fail=429", 429, "1"),
            ("mock:fail=500", 500, nil),
            ("mock:fail=529", 529, nil),
        ])
    func failureStatus(model: String, status: Int, retryAfter: String?) async throws {
        let body = #"{"model":"\#(model)","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(port: port, RawHTTP.request("POST", "/v1/messages", body: Array(body.utf8)))
        }
        let response = try #require(exchange.response)
        #expect(response.status == status)
        #expect(response.header("retry-after") == retryAfter)
        let json = try JSONValue(parsing: response.body)
        #expect(json["type"]?.stringValue == "error")
        if status == 529 { #expect(json["error"]?["type"]?.stringValue == "overloaded_error") }
    }

    @Test func resetBeforeFirstByteClosesWithoutResponse() async throws {
        let upstream = MockUpstream()
        let exchange = try await Self.withServer(upstream) { port in
            try await RawHTTP.exchange(port: port, Self.chatRequest("mock:reset", stream: true))
        }
        #expect(exchange.closedByServer)
        #expect(exchange.raw.isEmpty)
        #expect(exchange.response == nil)
        #expect(await upstream.stats.requests(for: "mock:reset") == 1)
    }

    @Test("reset after K events cuts the chunked body", arguments: [1, 4])
    func resetAfter(k: Int) async throws {
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(port: port, Self.chatRequest("mock:reset_after=\(k)", stream: true))
        }
        let response = try #require(exchange.response)
        #expect(exchange.closedByServer)
        #expect(response.status == 200)
        #expect(!response.complete)
        #expect(Self.events(response).count == k)
    }

    @Test func unaryResetAfterFirstByte() async throws {
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(port: port, Self.chatRequest("mock:reset_after=1", stream: false))
        }
        #expect(exchange.closedByServer)
        #expect(exchange.response?.status == 200)
        #expect(exchange.response?.complete == false)
    }

    @Test func stallIsCancelledWhenTheClientLeaves() async throws {
        let upstream = MockUpstream()
        let snapshot = try await Self.withServer(upstream) { port in
            let exchange = try await RawHTTP.exchange(port: port, Self.chatRequest("mock:stall_after=2", stream: true))
            { received in
                Support.sse(RawHTTP.parse(received[...])?.body ?? []).count >= 2
            }
            #expect(Self.events(exchange.response).count == 2)
            #expect(!exchange.closedByServer)
            // The client has closed; the mock must notice and stop the stalled stream.
            return await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 }
        }
        let snap = try #require(snapshot)
        #expect(snap.streamsStarted == 1)
        #expect(snap.streamsCompleted == 0)
        #expect(snap.lastCancelledAt != nil)
        #expect(snap.lastCancelledAt! >= snap.lastChunkAt!)
    }

    @Test func stallBeforeHeadIsCancelledWhenTheClientLeaves() async throws {
        let upstream = MockUpstream()
        let snapshot = try await Self.withServer(upstream) { port in
            try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(Self.chatRequest("mock:stall", stream: false))
                // Leave once the mock has the request.
                _ = await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.totalRequests == 1 }
            }
            return await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.requestsCancelled == 1 }
        }
        #expect(snapshot != nil)
    }

    @Test func slowStreamIsCancelledWhenTheClientLeaves() async throws {
        let upstream = MockUpstream()
        let snapshot = try await Self.withServer(upstream) { port in
            _ = try await RawHTTP.exchange(port: port, Self.chatRequest("mock:tps=2,tokens=100", stream: true)) {
                received in
                Support.sse(RawHTTP.parse(received[...])?.body ?? []).count >= 3
            }
            return await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 }
        }
        #expect(snapshot?.streamsCompleted == 0)
    }

    @Test func errorEventAsFirstEventOverHTTP() async throws {
        let body = #"{"model":"demo-fast","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}"#
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(
                port: port,
                RawHTTP.request(
                    "POST", "/v1/messages", body: Array(body.utf8),
                    headers: [("x-mock-behavior", "error_event")]))
        }
        let response = try #require(exchange.response)
        #expect(response.status == 200)
        #expect(response.complete)
        let events = Self.events(response)
        #expect(events.map(\.event) == ["error"])
        #expect(try JSONValue(parsing: events[0].data)["error"]?["type"]?.stringValue == "overloaded_error")
    }

    @Test func geminiJSONArrayStreamOverHTTP() async throws {
        let body = #"{"contents":[{"parts":[{"text":"hi"}]}]}"#
        let exchange = try await Self.withServer { port in
            try await RawHTTP.exchange(
                port: port,
                RawHTTP.request(
                    "POST", "/v1beta/models/demo-thinking:streamGenerateContent?key=abc",
                    body: Array(body.utf8)))
        }
        let response = try #require(exchange.response)
        #expect(response.complete)
        let array = try #require(try JSONValue(parsing: response.body).arrayValue)
        #expect(array.last?["candidates"]?.arrayValue?.first?["finishReason"]?.stringValue == "STOP")
    }

    @Test func connectionCloseIsHonoured() async throws {
        let exchange = try await Self.withServer { port in
            try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(
                    Self.chatRequest("demo-fast", stream: false, headers: [("Connection", "close")]))
                var first = try await connection.read()
                // After the response, the server closes: the next read sees the end.
                let next = try await connection.read()
                first.closedByServer = next.closedByServer && next.raw.isEmpty
                return first
            }
        }
        #expect(exchange.response?.status == 200)
        #expect(exchange.response?.header("connection") == "close")
        #expect(exchange.closedByServer)
    }

    /// Connections accepted but not yet taken by the serving loop when it is cancelled used to be dropped as
    /// unfinished `NIOAsyncChannel`s, which traps (the whole process). Bursts of connects, then at once a cancel.
    @Test func cancellingWithConnectionsStillQueuedStopsCleanly() async throws {
        for _ in 0..<10 {
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let server = Task {
                defer { continuation.finish() }
                try? await MockServer(upstream: MockUpstream()).run(onBound: { continuation.yield($0) })
            }
            let port = try #require(await ports.first { _ in true })
            let connects = (0..<64).map { _ in
                ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port)
            }
            server.cancel()
            await server.value
            for connect in connects { try? await connect.get().close() }
        }
    }

    @Test func serverStopsWhenCancelled() async throws {
        let stopped = try await Support.withTimeout(20) {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                let (ports, continuation) = AsyncStream<Int>.makeStream()
                group.addTask {
                    defer { continuation.finish() }
                    try? await MockServer(upstream: MockUpstream()).run(onBound: { continuation.yield($0) })
                    return true
                }
                let port = await ports.first { _ in true }
                // An idle keep-alive connection must not keep the server alive.
                group.addTask {
                    // Cancelled with the rest of the group; its own outcome does not matter.
                    _ = try? await RawHTTP.withConnection(port: port ?? 0) { connection in
                        try await connection.send(Self.chatRequest("demo-fast", stream: false))
                        _ = try await connection.read()
                        _ = try await connection.read()
                        return false
                    }
                    return false
                }
                try await Task.sleep(for: .milliseconds(100))
                group.cancelAll()
                var results: [Bool] = []
                for try await r in group { results.append(r) }
                return results.contains(true)
            }
        }
        #expect(stopped)
    }

    @Test func statsRouteCountsPerModelAndResets() async throws {
        let (before, after) = try await Self.withServer { port in
            try await RawHTTP.withConnection(port: port) { connection in
                for model in ["mock:tokens=1", "mock:tokens=1", "demo-fast"] {
                    try await connection.send(Self.chatRequest(model, stream: false))
                    _ = try await connection.read()
                }
                try await connection.send(RawHTTP.request("GET", "/mock/stats"))
                let before = try await connection.read()
                try await connection.send(RawHTTP.request("POST", "/mock/stats/reset"))
                _ = try await connection.read()
                try await connection.send(RawHTTP.request("GET", "/mock/stats"))
                return (before, try await connection.read())
            }
        }
        let stats = try JSONValue(parsing: try #require(before.response).body)
        #expect(
            stats["requests_by_model"]
                == .object(JSONObject([("demo-fast", .number(1)), ("mock:tokens=1", .number(2))])))
        #expect(stats["total_requests"] == .number(3))
        let cleared = try JSONValue(parsing: try #require(after.response).body)
        #expect(cleared["requests_by_model"] == .object(JSONObject()))
        #expect(cleared["total_requests"] == .number(0))
    }
}
