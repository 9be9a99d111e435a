import PlexusCore
import Testing

@testable import PlexusMock

/// The wire options (`MockWireOptions`) as a client sees them: the exact bytes, and how the connection ends.
@Suite("Wire faults over loopback", .serialized)
struct WireFaultTests {
    typealias Server = MockServerTests

    /// Sends each request on its own connection and reads it to the end (EOF, reset).
    static func toEnd(_ requests: [[UInt8]], upstream: MockUpstream = MockUpstream()) async throws -> [RawHTTP.Received]
    {
        try await Server.withServer(upstream) { port in
            var out: [RawHTTP.Received] = []
            for request in requests {
                out.append(
                    try await RawHTTP.withConnection(port: port) { connection in
                        try await connection.send(request)
                        return await connection.readToEnd()
                    })
            }
            return out
        }
    }

    static func toEnd(_ request: [UInt8]) async throws -> RawHTTP.Received { try await toEnd([request])[0] }

    /// The body of a response whose end is the connection's end (no length, no chunks).
    static func bodyAfterHead(_ bytes: [UInt8]) -> [UInt8] {
        let headEnd = bytes.indices.first { Array(bytes[$0..<min($0 + 4, bytes.count)]) == [13, 10, 13, 10] }
        return headEnd.map { Array(bytes[($0 + 4)...]) } ?? []
    }

    static func lastEvent(_ body: [UInt8]) -> String? { Support.sse(body).last?.data }

    @Test("close=1: Connection: close, the whole answer, then EOF", arguments: [false, true])
    func closeAnnounced(stream: Bool) async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:close=1", stream: stream))
        #expect(received.ending == .eof)
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.status == 200)
        #expect(response.complete)
        #expect(response.consumed == received.bytes.count)
        #expect(response.header("connection") == "close")
        if stream {
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(Self.lastEvent(response.body) == "[DONE]")
        }
    }

    @Test("close_silently=1: a keep-alive answer (no Connection header), then EOF", arguments: [false, true])
    func closeSilently(stream: Bool) async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:close_silently=1", stream: stream))
        #expect(received.ending == .eof)
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.status == 200)
        #expect(response.complete)
        #expect(response.header("connection") == nil)
        #expect(received.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test("fail=500,close=1: the error status with Connection: close, then EOF")
    func failureThenClose() async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:fail=500,close=1", stream: true))
        #expect(received.ending == .eof)
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.status == 500)
        #expect(response.complete)
        #expect(response.header("connection") == "close")
        #expect(try JSONValue(parsing: response.body)["error"] != nil)
    }

    @Test("http10=1: HTTP/1.0 status line, no chunked encoding, then EOF", arguments: [false, true])
    func http10(stream: Bool) async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:http10=1", stream: stream))
        #expect(received.ending == .eof)
        #expect(received.text.hasPrefix("HTTP/1.0 200 OK\r\n"))
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.header("transfer-encoding") == nil)
        #expect(response.header("connection") == nil)
        let body = Self.bodyAfterHead(received.bytes)
        if stream {
            // No length: the body is everything up to the close.
            #expect(response.header("content-length") == nil)
            #expect(Self.lastEvent(body) == "[DONE]")
        } else {
            #expect(response.header("content-length") == String(body.count))
            #expect(try JSONValue(parsing: body)["choices"] != nil)
        }
    }

    @Test("eof_body=1: HTTP/1.1 without length or chunks, the close ends the body", arguments: [false, true])
    func eofBody(stream: Bool) async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:eof_body=1", stream: stream))
        #expect(received.ending == .eof)
        #expect(received.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.header("content-length") == nil)
        #expect(response.header("transfer-encoding") == nil)
        #expect(response.header("connection") == "close")
        let body = Self.bodyAfterHead(received.bytes)
        if stream {
            #expect(Self.lastEvent(body) == "[DONE]")
        } else {
            #expect(try JSONValue(parsing: body)["choices"] != nil)
        }
    }

    @Test("recycle=2: the second request on a connection gets Connection: close and the close")
    func recycle() async throws {
        let (first, second, after, fresh) = try await Server.withServer { port in
            let onOne = try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(Server.chatRequest("mock:recycle=2", stream: false))
                let first = try await connection.read()
                try await connection.send(Server.chatRequest("mock:recycle=2", stream: true))
                let second = try await connection.read()
                return (first, second, await connection.readToEnd())
            }
            // Counted per connection: a new one starts again at 1.
            let fresh = try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(Server.chatRequest("mock:recycle=2", stream: false))
                return try await connection.read()
            }
            return (onOne.0, onOne.1, onOne.2, fresh)
        }
        #expect(first.response?.status == 200)
        #expect(first.response?.header("connection") == nil)
        #expect(!first.closedByServer)
        #expect(second.response?.complete == true)
        #expect(second.response?.header("connection") == "close")
        #expect(after.ending == .eof)
        #expect(after.bytes.isEmpty)
        #expect(fresh.response?.status == 200)
        #expect(fresh.response?.header("connection") == nil)
    }

    @Test(
        "reset_at=B: exactly the first B bytes of the polite answer, then ECONNRESET",
        arguments: [
            (false, 0), (false, 1), (false, 17), (false, 300), (true, 0), (true, 17), (true, 300), (true, 1000),
        ])
    func resetAt(stream: Bool, bytes b: Int) async throws {
        let upstream = MockUpstream(secret: "wire")
        // Same body, so the same bytes; the fault comes by header. `Connection: close` makes the polite
        // answer end with EOF, and puts the same `connection: close` in both heads.
        let close = ("Connection", "close")
        let received = try await Self.toEnd(
            [
                Server.chatRequest("mock", stream: stream, headers: [close]),
                Server.chatRequest("mock", stream: stream, headers: [close, ("x-mock-behavior", "reset_at=\(b)")]),
            ], upstream: upstream)
        #expect(received[0].ending == .eof)
        let polite = try #require(RawHTTP.parse(received[0].bytes[...]))
        #expect(polite.complete)
        #expect(polite.consumed > b, "B must fall inside the answer")
        #expect(received[1].ending == .reset)
        #expect(received[1].bytes == Array(received[0].bytes.prefix(b)))
    }

    @Test("reset_at beyond the answer: the whole answer, then ECONNRESET instead of keep-alive")
    func resetAfterWholeAnswer() async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:reset_at=1000000", stream: true))
        #expect(received.ending == .reset)
        let response = try #require(RawHTTP.parse(received.bytes[...]))
        #expect(response.complete)
        #expect(Self.lastEvent(response.body) == "[DONE]")
    }

    @Test("malformed_head=1: a garbage head, then EOF", arguments: [false, true])
    func malformedHead(stream: Bool) async throws {
        let received = try await Self.toEnd(Server.chatRequest("mock:malformed_head=1", stream: stream))
        #expect(received.ending == .eof)
        #expect(received.text == "HTTP/1.1 abc\r\nbroken header line\r\n\r\n")
        #expect(RawHTTP.parse(received.bytes[...]) == nil)
    }

    @Test("drip=MS: one byte per MS milliseconds, head included; stops when the client leaves")
    func dripStream() async throws {
        let upstream = MockUpstream()
        let (received, snapshot) = try await Server.withServer(upstream) { port in
            let received = try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(Server.chatRequest("mock:drip=10", stream: true))
                return await connection.readToEnd(limit: 21)
            }
            let snapshot = await upstream.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 }
            return (received, snapshot)
        }
        #expect(received.ending == .limit)
        #expect(received.text.hasPrefix("HTTP/1.1 200 OK\r\ncont"))
        // 20 pauses of 10 ms between 21 bytes. A reader held up by the rest of the suite reads several at once
        // (once 21 bytes in 9 reads), never the whole answer in one or two as a single write gives.
        #expect(received.elapsed >= .milliseconds(190))
        #expect(received.reads >= 4)
        #expect(snapshot?.streamsCompleted == 0)
    }

    @Test("drip=3: a whole unary answer, byte by byte, identical to the polite one")
    func dripUnary() async throws {
        let received = try await Self.toEnd(
            [
                Server.chatRequest("mock:tokens=1", stream: false, headers: [("Connection", "close")]),
                Server.chatRequest(
                    "mock:tokens=1", stream: false, headers: [("Connection", "close"), ("x-mock-behavior", "drip=3")]),
            ], upstream: MockUpstream(secret: "wire"))
        #expect(received[1].bytes == received[0].bytes)
        // A reader held up by the rest of the suite on two cores reads several bytes at once (720 bytes, 3 ms
        // apart, in as few as 54 reads), never the answer in one or two as a single write gives; and the pauses
        // make a floor for the time however busy the machine.
        #expect(received[1].reads >= 16)
        #expect(received[1].elapsed >= .milliseconds(3 * (received[1].bytes.count - 1)))
    }

    @Test func http10ClientThatKeepsAliveIsToldSo() async throws {
        let body = Array(#"{"model":"mock","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let request =
            Array(
                "POST /v1/chat/completions HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: \(body.count)\r\n\r\n"
                    .utf8) + body
        let (first, second) = try await Server.withServer { port in
            try await RawHTTP.withConnection(port: port) { connection in
                try await connection.send(request)
                let first = try await connection.read()
                try await connection.send(request)
                return (first, try await connection.read())
            }
        }
        #expect(String(decoding: first.raw.prefix(17), as: UTF8.self) == "HTTP/1.0 200 OK\r\n")
        #expect(first.response?.header("connection") == "keep-alive")
        #expect(second.response?.status == 200)
        #expect(second.response?.complete == true)
    }

    @Test func unparsableRequestGets400ThenClose() async throws {
        let received = try await Self.toEnd(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(received.ending == .eof)
        #expect(RawHTTP.parse(received.bytes[...])?.status == 400)
    }
}
