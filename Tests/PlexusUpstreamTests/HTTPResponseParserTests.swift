import NIOCore
import Testing
@testable import PlexusUpstream

/// The upstream client's HTTP/1.1 response parser, fed whole and split at every byte.
@Suite("HTTP response parser")
struct HTTPResponseParserTests {
    /// What a parse produced, flattened for comparison.
    struct Outcome: Equatable {
        var status: Int?
        var headers: [String] = []
        var body = ""
        var ends: [Bool] = []
    }

    /// Feeds `pieces` one after the other (then a close when `close`), as the handler does.
    static func run(_ pieces: [[UInt8]], requestIsHead: Bool = false, close: Bool = false) throws -> Outcome {
        var parser = HTTPResponseParser()
        parser.requestIsHead = requestIsHead
        var out = Outcome()
        var pending: ByteBuffer?
        let emit: (HTTPResponseParser.Event) -> Void = { event in
            switch event {
            case .head(let status, let headers):
                out.status = status
                out.headers = headers.pairs.map { "\($0.0)=\($0.1)" }
            case .body(let b): out.body += String(buffer: b)
            case .end(let reusable): out.ends.append(reusable)
            }
        }
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            if var held = pending { held.writeBuffer(&buffer); buffer = held; pending = nil }
            try parser.parse(&buffer, emit: emit)
            if buffer.readableBytes > 0 { pending = buffer }
        }
        if close { try parser.closed(emit: emit) }
        return out
    }

    /// The whole text at once, then every split into two pieces: all must give the same outcome.
    static func everySplit(_ text: String, requestIsHead: Bool = false, close: Bool = false) throws -> Outcome {
        let bytes = Array(text.utf8)
        let whole = try run([bytes], requestIsHead: requestIsHead, close: close)
        for cut in 1..<bytes.count {
            let split = try run([Array(bytes[..<cut]), Array(bytes[cut...])], requestIsHead: requestIsHead, close: close)
            #expect(split == whole, "split at \(cut)")
        }
        let bytewise = try run(bytes.map { [$0] }, requestIsHead: requestIsHead, close: close)
        #expect(bytewise == whole)
        return whole
    }

    @Test func contentLengthBodyAndKeepAlive() throws {
        let o = try Self.everySplit("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        #expect(o == Outcome(status: 200, headers: ["Content-Type=application/json", "Content-Length=7"], body: "{\"a\":1}", ends: [true]))
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let o = try Self.everySplit(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\ndata:\r\nB\r\n 0123456789\r\n0\r\nX-T: 1\r\n\r\n")
        #expect(o.body == "data: 0123456789")
        #expect(o.ends == [true])
    }

    @Test func connectionCloseAndHTTP10AreNotReusable() throws {
        #expect(try Self.everySplit("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok").ends == [false])
        #expect(try Self.everySplit("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").ends == [false])
        #expect(try Self.everySplit("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok").ends == [true])
    }

    @Test func aBodyWithoutLengthRunsUntilTheClose() throws {
        let o = try Self.everySplit("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n", close: true)
        #expect(o.body == "data: 1\n\ndata: 2\n\n")
        #expect(o.ends == [false])
    }

    @Test func noBodyFor204And304AndHEADWhateverTheHeadersSay() throws {
        #expect(try Self.everySplit("HTTP/1.1 204 No Content\r\n\r\n") == Outcome(status: 204, ends: [true]))
        #expect(try Self.everySplit("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").ends == [true])
        let head = try Self.everySplit("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", requestIsHead: true)
        #expect(head.body.isEmpty && head.ends == [true])
    }

    @Test func informationalAnswersAreSkipped() throws {
        let o = try Self.everySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx")
        #expect(o == Outcome(status: 201, headers: ["Content-Length=1"], body: "x", ends: [true]))
    }

    @Test func bareLineFeedsAndPaddedValuesAreRead() throws {
        let o = try Self.everySplit("HTTP/1.1 429 Too Many Requests\nRetry-After: \t 3 \t\nContent-Length: 0\n\n")
        #expect(o == Outcome(status: 429, headers: ["Retry-After=3", "Content-Length=0"], ends: [true]))
    }

    @Test func transferEncodingWinsOverContentLengthAndTheConnectionCloses() throws {
        let o = try Self.everySplit("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
        #expect(o.body == "hi" && o.ends == [false])
    }

    @Test func bytesAfterTheEndMakeTheConnectionUnusable() throws {
        let o = try Self.run([Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200".utf8)])
        #expect(o.body == "ok" && o.ends == [false])
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
    ])
    func malformedAnswersAreRefused(text: String) {
        #expect(throws: HTTPWireError.self) { try Self.run([Array(text.utf8)]) }
    }

    @Test func anAnswerCutShortIsAnErrorAtTheClose() {
        #expect(throws: HTTPWireError.self) {
            try Self.run([Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)], close: true)
        }
    }

    @Test func oversizedHeadsAndLinesAreRefused() {
        let big = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: HTTPWire.maxHeadBytes) + "\r\n\r\n"
        #expect(throws: HTTPWireError.self) { try Self.run([Array(big.utf8)]) }
        let chunkLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "1", count: 10_000)
        #expect(throws: HTTPWireError.self) { try Self.run([Array(chunkLine.utf8)]) }
    }

    /// A target's fixed part, encoded once, and each request's length make the head; what cannot be sent is
    /// refused when it is sent over HTTP (the in-process mock's `mock://` URLs are never parsed).
    @Test func requestHeadsAreWrittenAndLineBreaksRefused() async throws {
        let wire = try UpstreamTarget(url: "http://h:8/v1/x?y=1", headers: [("a", "b c")]).wire.get()
        let head = HTTPRequestHead(wire, method: "POST", bodyLength: 3)
        #expect(String(buffer: head.bytes) == "POST /v1/x?y=1 HTTP/1.1\r\nhost: h:8\r\na: b c\r\ncontent-length: 3\r\n\r\n")
        #expect(head.keepAlive && !head.isHead)
        #expect(String(buffer: HTTPRequestHead(wire, method: "POST", bodyLength: 12).bytes).hasSuffix("content-length: 12\r\n\r\n"))
        let closing = try UpstreamTarget(url: "http://h/", method: "GET", headers: [("Connection", "close")]).wire.get()
        #expect(!HTTPRequestHead(closing, method: "GET", bodyLength: 0).keepAlive)
        let declared = try UpstreamTarget(url: "http://h/", headers: [("Content-Length", "5")]).wire.get()
        #expect(String(buffer: HTTPRequestHead(declared, method: "POST", bodyLength: 5).bytes)
            == "POST / HTTP/1.1\r\nhost: h\r\nContent-Length: 5\r\n\r\n")
        #expect(throws: UpstreamError.self) { try UpstreamTarget(url: "http://h/", headers: [("x", "a\r\nevil: 1")]).wire.get() }
        #expect(throws: UpstreamError.self) { try UpstreamTarget(url: "http://h/", headers: [("x y", "a")]).wire.get() }
        #expect(throws: UpstreamError.self) { try UpstreamTarget(url: "mock://local/v1", headers: []).wire.get() }
        let transport = HTTPTransport()
        for bad in [UpstreamTarget(url: "http://127.0.0.1:9/", headers: [("x", "a\r\nevil: 1")]),
                    UpstreamTarget(url: "ftp://127.0.0.1/", headers: [])] {
            await #expect(throws: UpstreamError.self) {
                _ = try await transport.send(UpstreamRequest(target: bad, body: ByteBuffer()), firstByteTimeout: .seconds(2))
            }
        }
        try await transport.shutdown()
    }

    /// Header values are made from the head's bytes only when asked for; names match in any case.
    @Test func headerFieldsAreFoundInAnyCase() throws {
        var parser = HTTPResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  7 \r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n")
        var fields: HeaderFields?
        try parser.parse(&buffer) { event in
            if case .head(_, let headers) = event { fields = headers }
        }
        let found = try #require(fields)
        #expect(found.first("retry-after") == "7" && found.first("RETRY-AFTER") == "7")
        #expect(found.first("x-a") == "1" && found.first("x-b") == nil)
        #expect(found.pairs.map(\.0) == ["Retry-After", "X-A", "x-a", "Content-Length"])
        #expect(HeaderFields([("Retry-After", "3")]).first("retry-after") == "3")
    }
}
