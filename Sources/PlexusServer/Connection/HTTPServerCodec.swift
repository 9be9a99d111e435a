import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import PlexusCore
import PlexusHTTP
import PlexusUpstream

/// HTTP/1.1 for the gateway's connections: bytes to `ServerRequestPart`s, `ServerResponsePart`s to bytes.
///
/// It stands where NIO's request decoder, response encoder and HTTP-types codec stood (three handlers, each part
/// type-erased and cast at every hop, a Foundation URL parse per request): the profile put them at about a fifth of
/// a passthrough request. It is not a handler of its own either: `HTTPConnectionHandler` calls it directly, since
/// passing parts between two handlers boxed and cast each of them (about 4k instructions a request). Requests are
/// framed by `Content-Length` or chunked coding (RFC 9112); a malformed one throws an `HTTPParserError`, which the
/// connection loop answers with 400 and a close. Responses without a length go out chunked (HTTP/1.1) or delimited
/// by the close (HTTP/1.0).
struct HTTPServerCodec {
    /// An encoded part of an answer; `thenClose` when the connection must close once it is written.
    struct Output {
        var bytes: ByteBuffer?
        var thenClose = false
    }

    private var parser: HTTPRequestParser
    private var pending: ByteBuffer?
    /// Per request not yet answered, in order: how its answer must be framed.
    private var answers = CircularBuffer<HTTPRequestParser.Answer>(initialCapacity: 2)
    private var encoding = Encoding.none

    private enum Encoding { case none, raw, chunked, closeDelimited, bodiless }

    private static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// Written into every final answer that does not carry its own `Server` and `Date` (nil: neither is added).
    private let serverName: String?
    private var date = HTTPDateCache()
    /// Set once the input failed to parse: nothing more is read.
    private(set) var failed = false

    init(limits: HTTPRequestParser.Limits = .init(), serverName: String? = nil) {
        parser = HTTPRequestParser(limits: limits)
        self.serverName = serverName
    }

    // MARK: Inbound

    /// Parses `data` (after what an earlier call left). `interim` gets a `100 Continue` for the head emitted next,
    /// to write when that request's body is wanted.
    mutating func read(
        _ data: ByteBuffer, interim: (ByteBuffer) -> Void, emit: (ServerRequestPart) -> Void
    ) throws(HTTPParserError) {
        guard !failed else { return }
        var buffer = data
        if var held = pending {
            pending = nil
            held.writeBuffer(&buffer)
            buffer = held
        }
        do {
            try parser.parse(&buffer) { event in
                switch event {
                case .head(let request, let answer):
                    if answer.expectsContinue && answers.isEmpty {
                        // Ask for the body when it is wanted rather than leave the client waiting out its timeout
                        // (curl: 1 s). Only when no earlier answer is due: its bytes must not be cut by this one's.
                        interim(Self.continueHead)
                    }
                    answers.append(answer)
                    emit(.head(request))
                case .body(let bytes):
                    emit(.body(bytes))
                case .end:
                    emit(.end)
                }
            }
        } catch {
            failed = true
            throw error
        }
        if buffer.readableBytes > 0 { pending = buffer }
    }

    /// The client closed its side: a request cut short is a parse error.
    mutating func inputClosed() throws(HTTPParserError) {
        if !failed, parser.inMessage || (pending?.readableBytes ?? 0) > 0 {
            failed = true
            throw .invalidEOFState
        }
    }

    // MARK: Outbound

    /// The bytes of one part of an answer (nil when it has none to send). `closing`: the connection closes after
    /// this answer, which a final head then says with `connection: close` (RFC 9110 section 10.1.1, for a request
    /// answered before its body was read).
    mutating func encode(_ part: ServerResponsePart, allocator: ByteBufferAllocator, closing: Bool = false) -> Output {
        switch part {
        case .head(let response):
            return Output(bytes: head(response, allocator: allocator, closing: closing))
        case .complete(let answer):
            return Output(bytes: complete(answer, allocator: allocator, closing: closing))
        case .body(let bytes):
            switch encoding {
            case .raw, .closeDelimited:
                return Output(bytes: bytes)
            case .chunked where bytes.readableBytes > 0:
                var chunk = allocator.buffer(capacity: bytes.readableBytes + 12)
                chunk.writeString(String(bytes.readableBytes, radix: 16))
                chunk.writeStaticString("\r\n")
                var copy = bytes
                chunk.writeBuffer(&copy)
                chunk.writeStaticString("\r\n")
                return Output(bytes: chunk)
            case .chunked, .none, .bodiless:
                return Output(bytes: nil)
            }
        case .end(let trailers):
            let ending = encoding
            encoding = .none
            switch ending {
            case .chunked:
                var end = allocator.buffer(capacity: 5)
                end.writeStaticString("0\r\n")
                for field in trailers ?? [:] { Self.write(field, into: &end) }
                end.writeStaticString("\r\n")
                return Output(bytes: end)
            case .closeDelimited:
                return Output(bytes: nil, thenClose: true)
            case .raw, .bodiless, .none:
                return Output(bytes: nil)
            }
        }
    }

    /// Encodes a response head and sets how its body goes out. Built in an array, then copied once: each small
    /// `ByteBuffer` write measured about 200 instructions.
    private mutating func head(_ response: HTTPResponse, allocator: ByteBufferAllocator, closing: Bool) -> ByteBuffer {
        let code = response.status.code
        let informational = code / 100 == 1 && code != 101
        let answer = informational ? (answers.first ?? .init()) : (answers.popFirst() ?? .init())
        var out: [UInt8] = []
        out.reserveCapacity(512)
        Self.statusLine(response.status) { out.append(contentsOf: $0) }
        var hasLength = false
        var hasCoding = false
        var hasDate = false
        var hasServer = false
        var hasConnection = false
        for field in response.headerFields {
            // By length first: four string comparisons per field measured about 150 instructions each.
            let name = field.name.canonicalName
            switch name.utf8.count {
            case 4: if name == "date" { hasDate = true }
            case 6: if name == "server" { hasServer = true }
            case 10: if name == "connection" { hasConnection = true }
            case 14: if name == "content-length" { hasLength = true }
            case 17: if name == "transfer-encoding" { hasCoding = true }
            default: break
            }
            out.append(utf8: field.name.rawName)
            out.append(literal: ": ")
            field.withUnsafeBytesOfValue { out.append(contentsOf: $0) }  // the bytes as stored: no String built
            out.append(literal: "\r\n")
        }
        if let serverName, !informational {
            // Here rather than through `HTTPFields`, whose setter validated and indexed two fields per answer.
            if !hasDate {
                out.append(literal: "date: ")
                out.append(utf8: date.current())
                out.append(literal: "\r\n")
            }
            if !hasServer {
                out.append(literal: "server: ")
                out.append(utf8: serverName)
                out.append(literal: "\r\n")
            }
        }
        if closing && !informational && !hasConnection {
            out.append(literal: "connection: close\r\n")
            hasConnection = true
        }
        if informational || answer.isHead || code == 204 || code == 304 {
            encoding = informational ? encoding : .bodiless
        } else if hasLength {
            encoding = .raw
        } else if answer.http11 && !hasCoding {
            out.append(literal: "transfer-encoding: chunked\r\n")
            encoding = .chunked
        } else if hasCoding {
            encoding = .raw  // the responder encodes its own coding
        } else {
            if !hasConnection { out.append(literal: "connection: close\r\n") }
            encoding = .closeDelimited
        }
        out.append(literal: "\r\n")
        return allocator.buffer(bytes: out)
    }

    /// A whole answer of known length in one buffer: status line, its fields, length, date and server, body.
    private mutating func complete(
        _ answer: EncodedAnswer, allocator: ByteBufferAllocator, closing: Bool
    ) -> ByteBuffer {
        let request = answers.popFirst() ?? .init()
        encoding = .none
        let code = answer.status.code
        let bodiless = request.isHead || code == 204 || code == 304
        let dateText = serverName.map { _ in date.current() }
        let headSize =
            64 + answer.status.reasonPhrase.utf8.count + answer.fields.count + (closing ? 19 : 0)
            + (dateText.map { $0.utf8.count + 16 } ?? 0) + (serverName.map { $0.utf8.count + 16 } ?? 0)
        var buffer = allocator.buffer(capacity: headSize + (bodiless ? 0 : answer.body.readableBytes))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: headSize) { raw in
            var w = RawByteWriter(raw)
            Self.statusLine(answer.status) { w.write($0) }
            answer.fields.withUnsafeBytes { w.write($0) }
            w.write("content-length: ")
            w.write(decimal: answer.body.readableBytes)
            w.write("\r\n")
            if closing { w.write("connection: close\r\n") }
            if let dateText, let serverName {
                w.writeField("date: ", dateText)
                w.writeField("server: ", serverName)
            }
            w.write("\r\n")
            return w.count
        }
        if !bodiless {
            var body = answer.body
            buffer.writeBuffer(&body)
        }
        return buffer
    }

    /// `HTTP/1.1 CODE REASON` and its CRLF, piece by piece into `sink` (an array or a `RawByteWriter`).
    private static func statusLine(_ status: HTTPResponse.Status, _ sink: (UnsafeRawBufferPointer) -> Void) {
        func literal(_ text: StaticString) {
            sink(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        if status.code == 200 { return literal("HTTP/1.1 200 OK\r\n") }
        literal("HTTP/1.1 ")
        DecimalDigits.withDigits(of: Int64(status.code), sink)
        literal(" ")
        var reason = status.reasonPhrase
        reason.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
        literal("\r\n")
    }

    private static func write(_ field: HTTPField, into out: inout ByteBuffer) {
        out.writeString(field.name.rawName)
        out.writeStaticString(": ")
        _ = field.withUnsafeBytesOfValue { out.writeBytes($0) }
        out.writeStaticString("\r\n")
    }
}
