import HTTPTypes
import NIOCore
import NIOHTTP1
import PlexusCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental HTTP/1.1 request parser (RFC 9112) for `HTTPServerCodec`: request line and checked header lines
/// into an `InboundHead` (the `Host` header becomes its authority, as NIO's conversion does), then the body as
/// `HTTPBodyReader` frames it. Pipelined requests come out one after the other.
package struct HTTPRequestParser {
    /// Bounds on what a client may send before its body.
    package struct Limits {
        package var maxHeadBytes = HTTPWire.maxHeadBytes
        package var maxHeaderFields = 256

        package init(maxHeadBytes: Int = HTTPWire.maxHeadBytes, maxHeaderFields: Int = 256) {
            self.maxHeadBytes = maxHeadBytes
            self.maxHeaderFields = maxHeaderFields
        }
    }

    /// What the answer to a request must respect.
    package struct Answer {
        package var isHead = false
        package var http11 = true
        /// The client waits for `100 Continue` before it sends the body (`Expect: 100-continue`).
        package var expectsContinue = false

        package init() {}
    }

    package enum Event {
        case head(InboundHead, Answer)
        case body(ByteBuffer)
        case end
    }

    package let limits: Limits
    private var body: HTTPBodyReader?

    package init(limits: Limits) { self.limits = limits }

    /// The other methods of RFC 9110 but CONNECT (a gateway is no tunnel), and PATCH. An extension method is refused, as llhttp (NIOHTTP1) refuses the
    /// ones it does not know: the gateway serves none, and it must not parse what the parser it is checked
    /// against would not.
    static func standardMethod(_ b: UnsafeRawBufferPointer) -> HTTPRequest.Method? {
        let name = String(decoding: b, as: UTF8.self)
        switch name {
        case "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH": return HTTPRequest.Method(name)
        default: return nil
        }
    }

    /// Whether a request's body is still arriving.
    package var inMessage: Bool { body != nil }

    /// Parses every complete part in `buffer`; a partial head or line stays in it for the next call.
    package mutating func parse(_ buffer: inout ByteBuffer, emit: (Event) -> Void) throws(HTTPParserError) {
        while true {
            if body == nil {
                guard buffer.readableBytes > 0, let (request, answer, framing) = try parseHead(&buffer) else { return }
                emit(.head(request, answer))
                body = HTTPBodyReader(framing)
            }
            guard var reader = body else { return }
            let ended: Bool
            do {
                ended = try reader.read(&buffer) { emit(.body($0)) }
            } catch {
                throw .invalidChunkSize
            }
            guard ended else {
                body = reader
                return
            }
            body = nil
            emit(.end)
        }
    }

    private func parseHead(
        _ buffer: inout ByteBuffer
    ) throws(HTTPParserError) -> (InboundHead, Answer, HTTPBodyReader.Framing)? {
        let end: Int
        switch HTTPWire.headSpan(in: buffer, limit: limits.maxHeadBytes) {
        case .needMore: return nil
        case .tooLarge: throw .headerOverflow
        case .complete(let length): end = length
        }
        let limits = limits
        let bytes = buffer.readSlice(length: end)!
        let head = try bytes.withUnsafeReadableBytes { raw throws(HTTPParserError) in
            try RequestHead(raw, bytes: bytes, limits: limits)
        }
        return (head.head, head.answer, head.framing)
    }
}

/// One request head read from its bytes.
private struct RequestHead {
    var head: InboundHead {
        InboundHead(method: method, target: target, authority: authority, closeAfter: closeAfter, fields: fields)
    }
    var answer = HTTPRequestParser.Answer()
    var framing = HTTPBodyReader.Framing.length(0)
    private var method = HTTPRequest.Method.get
    private var target = "/"
    private var authority: String?
    private var closeAfter = false
    private var fields: HeaderFields

    init(_ b: UnsafeRawBufferPointer, bytes: ByteBuffer, limits: HTTPRequestParser.Limits) throws(HTTPParserError) {
        fields = HeaderFields(bytes: bytes, spans: [])
        var spans: [HeaderFields.Span] = []
        spans.reserveCapacity(12)
        var first = true
        var count = 0
        var framingHeaders = HTTPFramingHeaders()
        let base = b.baseAddress!
        do {
            try HTTPWire.forEachLine(b) { line throws(HTTPWireError) in
                if first {
                    first = false
                    try requestLine(line)
                    return
                }
                count += 1
                guard count <= limits.maxHeaderFields else { throw HTTPWireError("too many header fields") }
                let (name, value) = try HTTPWire.header(line)
                if HTTPWire.named(name, "host") {
                    // RFC 9112 section 3.2: one Host, no more (two may name two origins).
                    guard authority == nil else { throw HTTPWireError("repeated host") }
                    authority = String(decoding: value, as: UTF8.self)
                    return
                }
                try framingHeaders.read(name: name, value: value)
                if HTTPWire.named(name, "expect"), HTTPWire.named(value, "100-continue") {
                    answer.expectsContinue = true
                }
                spans.append(HeaderFields.Span(name: name, value: value, in: base))
            }
        } catch {
            throw first ? .invalidMethod : .invalidHeaderToken
        }
        guard !first else { throw .invalidMethod }
        // RFC 9112 section 3.2: an HTTP/1.1 request without Host is a 400.
        guard authority != nil || !answer.http11 else { throw .invalidHeaderToken }
        fields = HeaderFields(bytes: bytes, spans: spans)
        if framingHeaders.coded {
            // A coding other than chunked, or a length beside it, leaves the body's end unknowable: refuse.
            guard framingHeaders.chunked, framingHeaders.length == nil else { throw .invalidContentLength }
            framing = .chunked
        } else if let length = framingHeaders.length {
            framing = .length(length)
        }
        answer.expectsContinue = answer.expectsContinue && answer.http11 && framing != .length(0)
        // `close` (any case, among other tokens), and HTTP/1.0, which closes after each answer unless it asked to
        // keep the connection.
        closeAfter = framingHeaders.close || (!answer.http11 && !framingHeaders.keepAlive)
    }

    /// `METHOD target HTTP/1.x`.
    private mutating func requestLine(_ b: UnsafeRawBufferPointer) throws(HTTPWireError) {
        guard let sp1 = ByteSearch.firstOffset(of: 0x20, in: b), sp1 > 0, b[..<sp1].allSatisfy(HTTPWire.isTokenByte),
            let sp2 = ByteSearch.firstOffset(of: 0x20, in: b, from: sp1 + 1), sp2 > sp1 + 1, b.count - sp2 == 9
        else { throw HTTPWireError("invalid request line") }
        let version = UnsafeRawBufferPointer(rebasing: b[(sp2 + 1)...])
        // HTTP/1.0 and 1.1 only: llhttp refuses other minor versions, so a parser taking them is a parser disagreeing.
        guard memcmp(version.baseAddress!, "HTTP/1.", 7) == 0, version[7] == 0x30 || version[7] == 0x31 else {
            throw HTTPWireError("invalid HTTP version")
        }
        answer.http11 = version[7] != 0x30
        let target = UnsafeRawBufferPointer(rebasing: b[(sp1 + 1)..<sp2])
        // Visible ASCII only (RFC 3986 has no other byte in a URI; llhttp refuses them too).
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { throw HTTPWireError("invalid request target") }
        guard HTTPRequestParser.isTargetForm(target) else { throw HTTPWireError("invalid request target") }
        let methodBytes = UnsafeRawBufferPointer(rebasing: b[..<sp1])
        guard let method = Self.commonMethod(methodBytes) ?? HTTPRequestParser.standardMethod(methodBytes) else {
            throw HTTPWireError("unknown method")
        }
        self.method = method
        answer.isHead = method == .head
        self.target = HTTPRequestParser.originForm(String(decoding: target, as: UTF8.self))
    }

    /// POST and GET from their bytes (methods are case-sensitive), without a string built and validated.
    static func commonMethod(_ b: UnsafeRawBufferPointer) -> HTTPRequest.Method? {
        switch b.count {
        case 4 where b[0] == 0x50 && b[1] == 0x4F && b[2] == 0x53 && b[3] == 0x54: .post
        case 3 where b[0] == 0x47 && b[1] == 0x45 && b[2] == 0x54: .get
        default: nil
        }
    }
}

extension HTTPRequestParser {
    /// RFC 9112 section 3.2's forms but CONNECT's authority form: a path, `*`, or an absolute http(s) URI whose
    /// authority holds only RFC 3986's host and port bytes (llhttp checks it, so must the parser beside it).
    static func isTargetForm(_ t: UnsafeRawBufferPointer) -> Bool {
        if t.first == UInt8(ascii: "/") || (t.count == 1 && t[0] == UInt8(ascii: "*")) { return true }
        let lower = t.prefix(8).map { $0 | 0x20 }
        let schemeLength = lower.starts(with: "http://".utf8) ? 7 : lower.starts(with: "https://".utf8) ? 8 : 0
        guard schemeLength > 0 else { return false }
        let rest = t[schemeLength...]
        let authority = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") }
        return !authority.isEmpty && authority.allSatisfy(isAuthorityByte)
    }

    /// Unreserved, sub-delims, `:` and the brackets of an IPv6 literal, and `%` of an escape.
    static func isAuthorityByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "-._~!$&'()*+,;=:[]%".utf8.contains(c)
        }
    }

    /// The path and query of an absolute-form target (`http://host/p?q` becomes `/p?q`); others as sent.
    package static func originForm(_ target: String) -> String {
        guard target.utf8.first != UInt8(ascii: "/"), let scheme = target.range(of: "://") else { return target }
        let rest = target[scheme.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let path = String(rest[slash...])
        return path.hasPrefix("?") ? "/" + path : path
    }
}
