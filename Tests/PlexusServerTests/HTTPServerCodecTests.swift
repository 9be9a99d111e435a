import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import PlexusHTTP
import Testing

@testable import PlexusServer

/// The gateway's own HTTP/1.1 codec: requests split at every byte, pipelined, chunked, refused; responses framed.
@Suite("HTTP server codec")
struct HTTPServerCodecTests {
    /// A request part flattened for comparison.
    enum Part: Equatable {
        case head(method: String, path: String, authority: String?, fields: [String], http11: Bool, isHead: Bool)
        case body(String)
        case end
    }

    /// Parses `pieces` in turn; adjacent body parts are joined (their split follows the pieces).
    static func parse(_ pieces: [[UInt8]]) throws -> [Part] {
        var parser = HTTPRequestParser(limits: .init())
        var parts: [Part] = []
        var pending: ByteBuffer?
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            if var held = pending {
                held.writeBuffer(&buffer)
                buffer = held
                pending = nil
            }
            try parser.parse(&buffer) { event in
                switch event {
                case .head(let head, let answer):
                    let r = head.request
                    parts.append(
                        .head(
                            method: r.method.rawValue, path: r.path ?? "", authority: r.authority,
                            fields: r.headerFields.map { "\($0.name.canonicalName)=\($0.value)" },
                            http11: answer.http11, isHead: answer.isHead))
                case .body(let b):
                    if case .body(let before) = parts.last {
                        parts[parts.count - 1] = .body(before + String(buffer: b))
                    } else {
                        parts.append(.body(String(buffer: b)))
                    }
                case .end: parts.append(.end)
                }
            }
            if buffer.readableBytes > 0 { pending = buffer }
        }
        return parts
    }

    static func everySplit(_ text: String) throws -> [Part] {
        let bytes = Array(text.utf8)
        let whole = try parse([bytes])
        for cut in 1..<bytes.count {
            #expect(try parse([Array(bytes[..<cut]), Array(bytes[cut...])]) == whole, "split at \(cut)")
        }
        #expect(try parse(bytes.map { [$0] }) == whole)
        return whole
    }

    @Test func aPostWithALengthAndItsHostAsAuthority() throws {
        let parts = try Self.everySplit(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw:4000\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer k\r\nX-Custom: a b\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        #expect(
            parts == [
                .head(
                    method: "POST", path: "/v1/chat/completions", authority: "gw:4000",
                    fields: [
                        "content-type=application/json", "authorization=Bearer k", "x-custom=a b", "content-length=7",
                    ],
                    http11: true, isHead: false),
                .body("{\"a\":1}"), .end,
            ])
    }

    @Test func pipelinedRequestsAndAChunkedBodyComeOutInOrder() throws {
        let parts = try Self.everySplit(
            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
                + "HEAD /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\nGET http://example.com/c?d HTTP/1.0\r\n\r\n")
        #expect(
            parts == [
                .head(
                    method: "POST", path: "/a", authority: "x", fields: ["transfer-encoding=chunked"], http11: true,
                    isHead: false),
                .body("abcde"), .end,
                .head(method: "HEAD", path: "/b?q=1", authority: "x", fields: [], http11: true, isHead: true), .end,
                // HTTP/1.0 without keep-alive closes after its answer; an absolute-form target becomes a path.
                .head(
                    method: "GET", path: "/c?d", authority: nil, fields: ["connection=close"], http11: false,
                    isHead: false), .end,
            ])
    }

    @Test func anHTTP10ClientAskingForKeepAliveKeepsIt() throws {
        let parts = try Self.parse([Array("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8)])
        #expect(
            parts.first
                == .head(
                    method: "GET", path: "/", authority: nil, fields: ["connection=keep-alive"],
                    http11: false, isHead: false))
    }

    @Test(arguments: [
        "GET /\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTQ/1.1\r\n\r\n",
        "GET / HTTP/1.x\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET /a b HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ])
    func malformedRequestsAreParserErrors(text: String) {
        #expect(throws: HTTPParserError.self) { try Self.parse([Array(text.utf8)]) }
    }

    @Test func anOversizedHeadIsRefused() {
        let text = "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 100_000) + "\r\n\r\n"
        #expect(throws: HTTPParserError.headerOverflow) { try Self.parse([Array(text.utf8)]) }
    }

    /// Writes `parts` after a request `head` went in, and returns the bytes that left.
    static func answer(to request: String, _ parts: [ServerResponsePart], serverName: String? = nil) throws -> String {
        var codec = HTTPServerCodec(serverName: serverName)
        try codec.read(ByteBuffer(string: request)) { _ in
        } emit: { _ in
        }
        var out = ""
        for part in parts {
            if let b = codec.encode(part, allocator: ByteBufferAllocator()).bytes { out += String(buffer: b) }
        }
        return out
    }

    /// What `text` makes the codec write at once (a `100 Continue`).
    static func interim(_ codec: inout HTTPServerCodec, _ text: String) throws -> [String] {
        var sent: [String] = []
        try codec.read(ByteBuffer(string: text)) {
            sent.append(String(buffer: $0))
        } emit: { _ in
        }
        return sent
    }

    /// With a server name, final answers get `Date` and `Server` unless they carry their own.
    @Test func dateAndServerAreAddedUnlessTheAnswerHasThem() throws {
        let request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        let plain = try Self.answer(
            to: request, [.head(.init(status: .ok, headerFields: [.contentLength: "0"])), .end(nil)],
            serverName: "plexus")
        #expect(plain.contains("\r\nserver: plexus\r\n"), "\(plain)")
        let date = try #require(plain.split(separator: "\r\n").first { $0.hasPrefix("date: ") })
        #expect(date.hasSuffix(" GMT") && date.count == "date: Sun, 06 Nov 1994 08:49:37 GMT".count, "\(date)")
        let own = try Self.answer(
            to: request,
            [
                .head(.init(status: .ok, headerFields: [.contentLength: "0", .server: "other", .date: "then"])),
                .end(nil),
            ], serverName: "plexus")
        let lower = own.lowercased()  // HTTPTypes writes its known names capitalised
        #expect(lower.components(separatedBy: "server:").count == 2 && lower.contains("server: other"), "\(own)")
        #expect(lower.components(separatedBy: "date:").count == 2 && lower.contains("date: then"), "\(own)")
        let none = try Self.answer(
            to: request, [.head(.init(status: .ok, headerFields: [.contentLength: "0"])), .end(nil)])
        #expect(!none.contains("server:") && !none.contains("date:"), "\(none)")
    }

    /// A whole answer with encoded fields: one buffer with length, date and server; no body for HEAD.
    @Test func aCompleteAnswerIsWrittenWithItsLength() throws {
        let routed = RoutedJSON(
            requestID: "req_1", provider: "p\r\nx-evil: 1", model: "m", api: .chat, passthrough: true,
            body: ByteBuffer(string: "{\"a\":1}"), fixedFields: nil)
        // The fields a target keeps (encoded once per candidate) make the same head.
        let kept = RoutedJSON(
            requestID: "req_1", provider: "", model: "", api: .gemini, passthrough: false,
            body: ByteBuffer(string: "{\"a\":1}"),
            fixedFields: RoutedJSON.fields(
                provider: "p\r\nx-evil: 1", model: "m", api: .chat, passthrough: true))
        #expect(kept.encoded.fields == routed.encoded.fields)
        let post = try Self.answer(
            to: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", [.complete(routed.encoded)],
            serverName: "plexus")
        let lines = post.components(separatedBy: "\r\n")
        #expect(lines.first == "HTTP/1.1 200 OK")
        #expect(
            Array(lines[1...6]) == [
                "x-request-id: req_1", "x-plexus-provider: p  x-evil: 1", "x-plexus-model: m", "x-plexus-api: chat",
                "x-plexus-passthrough: true", "content-type: application/json",
            ])
        #expect(lines[7] == "content-length: 7" && lines[8].hasPrefix("date: ") && lines[9] == "server: plexus")
        #expect(post.hasSuffix("\r\n\r\n{\"a\":1}"))
        let missing = EncodedAnswer(status: .notFound, fields: [], body: ByteBuffer(string: "tea"))
        let head = try Self.answer(to: "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", [.complete(missing)])
        #expect(head == "HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\n")
    }

    @Test func aClientThatExpects100ContinueGetsItUnlessAnEarlierAnswerIsDue() throws {
        var codec = HTTPServerCodec()
        let first = "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        #expect(try Self.interim(&codec, first) == ["HTTP/1.1 100 Continue\r\n\r\n"])
        #expect(try Self.interim(&codec, "ok").isEmpty)
        // A pipelined second request expecting 100 while the first is unanswered: nothing may cut into that answer.
        #expect(
            try Self.interim(&codec, "POST /b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .isEmpty)
        // HTTP/1.0 and bodiless requests never get one.
        var old = HTTPServerCodec()
        #expect(try Self.interim(&old, "POST /a HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").isEmpty)
    }

    @Test func anAnswerDelimitedByTheCloseAsksForTheClose() throws {
        var codec = HTTPServerCodec()
        try codec.read(ByteBuffer(string: "GET / HTTP/1.0\r\n\r\n")) { _ in
        } emit: { _ in
        }
        let allocator = ByteBufferAllocator()
        #expect(!codec.encode(.head(HTTPResponse(status: .ok)), allocator: allocator).thenClose)
        #expect(codec.encode(.body(ByteBuffer(string: "x")), allocator: allocator).bytes == ByteBuffer(string: "x"))
        #expect(codec.encode(.end(nil), allocator: allocator).thenClose)
    }

    @Test func responsesAreFramedByLengthChunksOrNothing() throws {
        let get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        let sized = try Self.answer(
            to: get,
            [
                .head(HTTPResponse(status: .ok, headerFields: [.contentLength: "2"])), .body(ByteBuffer(string: "ok")),
                .end(nil),
            ])
        #expect(sized == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let chunked = try Self.answer(
            to: get,
            [
                .head(HTTPResponse(status: .created)), .body(ByteBuffer(string: "hello")), .body(ByteBuffer()),
                .body(ByteBuffer(string: "0123456789abcdefg")), .end(nil),
            ])
        #expect(
            chunked
                == "HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n11\r\n0123456789abcdefg\r\n0\r\n\r\n"
        )
        let head = try Self.answer(
            to: "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
            [
                .head(HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"])), .end(nil),
            ])
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        let old = try Self.answer(
            to: "GET / HTTP/1.0\r\n\r\n",
            [
                .head(HTTPResponse(status: .ok)), .body(ByteBuffer(string: "x")), .end(nil),
            ])
        #expect(old == "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nx")
    }
}
