import HTTPTypes
import Hummingbird
import NIOCore
import PlexusHTTP
import Testing

@testable import PlexusServer

/// The raw request head the hot path reads: fields found by name without `HTTPFields`, and the same fields as
/// `HTTPFields` when the router needs them.
@Suite("Inbound head")
struct InboundHeadTests {
    static func head(_ text: String) throws -> InboundHead {
        var parser = HTTPRequestParser(limits: .init())
        var buffer = ByteBuffer(string: text)
        var found: InboundHead?
        try parser.parse(&buffer) { event in
            if case .head(let head, _) = event { found = head }
        }
        return try #require(found)
    }

    @Test func fieldsAreFoundByNameInAnyCaseAndRepeatsAreJoined() throws {
        let head = try Self.head(
            "POST /v1/messages?beta=true HTTP/1.1\r\nHost: gw\r\nX-API-Key: k1\r\n"
                + "anthropic-beta: a\r\nAnthropic-Beta: b\r\nContent-Length: 0\r\n\r\n")
        #expect(head.method == .post && head.target == "/v1/messages?beta=true" && head.path == "/v1/messages")
        #expect(head.authority == "gw")
        #expect(head.value(of: ClientCredentials.xAPIKey) == "k1")
        #expect(head.values(of: HTTPField.Name("anthropic-beta")!) == ["a", "b"])
        #expect(head.value(of: HTTPField.Name("anthropic-beta")!) == "a, b")
        #expect(head.value(of: .authorization) == nil)
        #expect(!head.closeAfter)
        let fields = head.headerFields
        #expect(
            fields.map(\.name.canonicalName) == ["x-api-key", "anthropic-beta", "anthropic-beta", "content-length"])
        #expect(head.request.headerFields == fields && head.request.authority == "gw")
    }

    @Test func closeIsNotedAndShownToTheRouter() throws {
        let close = try Self.head("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close\r\n\r\n")
        #expect(close.closeAfter && close.headerFields[.connection] == "close")
        let old = try Self.head("GET / HTTP/1.0\r\n\r\n")
        #expect(old.closeAfter && old.headerFields[.connection] == "close")
        let kept = try Self.head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(!kept.closeAfter)
    }

    /// The key, from a raw head and from a router request alike: Bearer, x-api-key, `?key=` on /v1beta only.
    @Test func credentialsReadTheSameFromBothKindsOfCall() throws {
        let cases: [(String, String?)] = [
            ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: bearer  sk-1 \r\n\r\n", "sk-1"),
            ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: sk-2\r\n\r\n", "sk-2"),
            ("POST /v1beta/models/m:generateContent?alt=sse&key=sk-3 HTTP/1.1\r\nHost: x\r\n\r\n", "sk-3"),
            ("POST /v1/models/m:generateContent?key=sk-4 HTTP/1.1\r\nHost: x\r\n\r\n", nil),
        ]
        for (text, expected) in cases {
            let head = try Self.head(text)
            let raw = ClientCall(head: head, body: RequestBody(buffer: ByteBuffer()), wholeBody: nil)
            #expect(ClientCredentials.secret(from: raw) == expected, "\(text)")
            let routed = ClientCall(Request(head: head.request, body: RequestBody(buffer: ByteBuffer())))
            #expect(ClientCredentials.secret(from: routed) == expected, "\(text)")
        }
        let sse = try Self.head("POST /v1beta/models/m:streamGenerateContent?alt=sse HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(ClientCall(head: sse, body: RequestBody(buffer: ByteBuffer()), wholeBody: nil).query("alt") == "sse")
    }
}
