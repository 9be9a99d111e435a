import Foundation
import NIOCore
import NIOPosix
import PlexusStorage
import Testing

@testable import PlexusServer

/// The gateway's own connection loop (`GatewayHTTP1Channel`, `HTTPConnectionHandler`): long bodies streamed to the
/// handler, unread bodies dropped without losing the connection, slow readers, bytes that are not HTTP.
@Suite("Gateway connections", .serialized, .timeLimit(.minutes(1)))
struct GatewayConnectionTests {
    static func yaml(maxBody: Int = 33_554_432) -> String {
        """
        server: { max_body_bytes: \(maxBody) }
        providers:
          a: { api_base_url: "mock://" }
        models:
          fast: { targets: [ { provider: a, model: demo-fast } ] }
          long: { targets: [ { provider: a, model: "mock:tokens=30000" } ] }
          slow: { targets: [ { provider: a, model: "mock:ttft=1200" } ] }
        keys:
          tester: { secret: "${TEST_KEY}" }
        routing: { sticky_sessions: false }
        """
    }

    /// A chat body of about `size` bytes, in parts of `part` bytes.
    static func chatBody(size: Int, part: Int) -> (length: Int, parts: [ByteBuffer]) {
        // Messages of 8 KiB: the mock counts each as text (longer strings count as media), so the input tokens
        // tell how much of the body arrived.
        let text = String(repeating: "All work and no play. ", count: 8 * 1024 / 22)
        let message = #"{"role":"user","content":"\#(text)"}"#
        let messages = Array(repeating: message, count: size / message.utf8.count).joined(separator: ",")
        let json = Array(#"{"model":"fast","messages":[\#(messages)]}"#.utf8)
        let parts = stride(from: 0, to: json.count, by: part).map {
            ByteBuffer(bytes: json[$0..<min($0 + part, json.count)])
        }
        return (json.count, parts)
    }

    /// Past the collect limit the body reaches the handler as a stream, sent slowly and in parts, framed both ways.
    @Test(arguments: [true, false])
    func aLongBodyStreamsToTheHandler(withLength: Bool) async throws {
        let body = Self.chatBody(size: 3 * HTTPConnectionHandler.collectLimit, part: 64 * 1024)
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(30)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.send(
                    "/v1/chat/completions", length: withLength ? body.length : nil, parts: body.parts,
                    pause: .milliseconds(20))
                let reply = try await connection.reply()
                #expect(reply.status == 200, "\(reply.body.prefix(300))")
                #expect(reply.body.contains("chat.completion"))
            }
            let rows = try await gw.rowsWhenWritten(1)
            #expect(rows.first?.outcome == .success)
            // About four bytes a token: every part of the body reached the upstream.
            #expect((rows.first?.tokens.input ?? 0) > body.length / 5, "\(String(describing: rows.first?.tokens))")
        }
    }

    /// A long body that arrives while the request before it is still being answered waits for it, whole (its
    /// stream is not the answered request's to drop).
    @Test(arguments: [true, false])
    func aLongBodyBehindASlowRequestArrivesWhole(withLength: Bool) async throws {
        let body = Self.chatBody(size: 2 * HTTPConnectionHandler.collectLimit, part: 64 * 1024)
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(30)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.chat("slow", stream: false)
                try await connection.send(
                    "/v1/chat/completions", length: withLength ? body.length : nil, parts: body.parts)
                for _ in 0..<2 {
                    let reply = try await connection.reply()
                    #expect(reply.status == 200, "\(reply.body.prefix(300))")
                }
            }
            let rows = try await gw.rowsWhenWritten(2)
            #expect(rows.allSatisfy { $0.outcome == .success }, "\(rows.map { ($0.httpStatus, $0.errorText ?? "") })")
            #expect(rows.contains { ($0.tokens.input ?? 0) > body.length / 5 }, "\(rows.map(\.tokens))")
        }
    }

    /// A body over `max_body_bytes` is refused; what the handler did not read is dropped, and the same connection
    /// serves the next request.
    @Test(arguments: [true, false])
    func anOversizedBodyIsRefusedAndTheConnectionServesTheNextRequest(withLength: Bool) async throws {
        let limit = 300_000
        let body = Self.chatBody(size: 2 * limit, part: 32 * 1024)
        try await TestGateway.with(yaml: Self.yaml(maxBody: limit), timeout: .seconds(30)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.send(
                    "/v1/chat/completions", length: withLength ? body.length : nil, parts: body.parts)
                let refused = try await connection.reply()
                #expect(refused.status == 413, "\(refused.body)")
                #expect(
                    refused.body.contains("request_too_large") || refused.body.contains("too large"), "\(refused.body)")
                try await connection.chat("fast", stream: false)
                let next = try await connection.reply()
                #expect(next.status == 200, "\(next.body)")
            }
            let rows = try await gw.rowsWhenWritten(2)
            #expect(Set(rows.map(\.httpStatus)) == [413, 200], "\(rows.map(\.httpStatus))")
        }
    }

    /// A client that stops reading a long stream holds the gateway's writes (the socket fills) and gets every
    /// event once it reads again.
    @Test func aSlowReaderGetsTheWholeStream() async throws {
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(40)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.chat("long", stream: true)
                let head = try await connection.head()
                #expect(head.status.code == 200)
                try await Task.sleep(for: .milliseconds(1500))  // the gateway writes until the socket is full
                var body = ""
                while let part = try await connection.bodyPart() { body += String(buffer: part) }
                #expect(body.hasSuffix("data: [DONE]\n\n"), "\(body.suffix(200))")
                #expect(body.utf8.count > 1_000_000, "\(body.utf8.count) bytes: long enough to fill the socket")
            }
            let rows = try await gw.rowsWhenWritten(1)
            #expect(rows.first?.outcome == .success)
        }
    }

    /// A graceful shutdown lets the answer in progress finish, then closes its connection.
    @Test func shutdownFinishesTheAnswerInProgressThenCloses() async throws {
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(20)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.chat("slow", stream: false)
                try await Task.sleep(for: .milliseconds(300))  // the request is waiting for its upstream
                await gw.shutDown()
                let reply = try await connection.reply()
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers["connection"] == ["close"], "a proxy must not send another request on it")
                await #expect(throws: RawHTTPConnection.Closed.self) { _ = try await connection.head() }
            }
        }
    }

    /// Bytes that are not HTTP/1.1 get a 400 with `connection: close`, then the connection closes; so does an
    /// HTTP/1.1 request with no Host or two (RFC 9112 section 3.2).
    @Test(arguments: [
        "GARBAGE\r\n\r\n", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
        "GET /health HTTP/1.1\r\n\r\n", "GET /health HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
    ])
    func bytesThatAreNotHTTPGetA400AndAClose(_ text: String) async throws {
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(20)) { gw in
            let answer = try await RawTCP.exchange(port: gw.port, send: Array(text.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"), "\(answer)")
        }
    }

    /// A request with `Connection: close` gets its answer, then the connection closes.
    /// The connection remembers the key its client proved, and only that key: another secret on the same
    /// connection is checked (and refused) as on a fresh one, and the proved key still works after it.
    @Test func aRememberedKeyServesOnlyItsOwnSecret() async throws {
        try await TestGateway.with(yaml: Self.yaml()) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                let chat = #"{"model":"fast","messages":[{"role":"user","content":"hi"}]}"#
                for (key, status) in [
                    (TestGateway.key, 200), (TestGateway.key + "x", 401), ("", 401),
                    (TestGateway.key, 200), (String(TestGateway.key.dropLast()) + "?", 401),
                ] {
                    try await connection.post("/v1/chat/completions", json: chat, key: key)
                    let reply = try await connection.reply()
                    #expect(
                        reply.status == status,
                        "key \(key.isEmpty ? "(none)" : "…\(key.suffix(3))"): \(reply.body.prefix(200))")
                }
            }
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await TestGateway.with(yaml: Self.yaml(), timeout: .seconds(20)) { gw in
            let body = #"{"model":"fast","messages":[{"role":"user","content":"hi"}]}"#
            let request =
                "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(TestGateway.key)\r\n"
                + "Content-Type: application/json\r\nConnection: Close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let answer = try await RawTCP.exchange(port: gw.port, send: Array(request.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.prefix(200))")
            #expect(answer.contains("chat.completion"))
            #expect(answer.lowercased().contains("\r\ndate: "), "Date header: \(answer.prefix(400))")
            #expect(answer.lowercased().contains("\r\nserver: plexus\r\n"), "Server header: \(answer.prefix(400))")
        }
    }
}

/// Bytes in, everything the server sends until it closes out (the read is what ends the exchange).
enum RawTCP {
    static func exchange(port: Int, send bytes: [UInt8]) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var answer = ""
            for try await part in inbound { answer += String(buffer: part) }
            return answer
        }
    }
}
