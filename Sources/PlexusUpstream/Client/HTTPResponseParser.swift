import NIOCore

/// An incremental HTTP/1.1 response parser (RFC 9112) for the upstream client: status line and headers, then the
/// body (`HTTPBodyReader`: `Content-Length`, chunked transfer coding or the connection's close).
///
/// It replaces NIO's codec handlers on pooled connections: one handler that parses bytes where they arrive costs
/// far less than four handlers passing typed parts to each other (each hop a type-erased wrap and cast).
struct HTTPResponseParser {
    /// What the bytes said, in order.
    enum Event {
        case head(status: Int, headers: HeaderFields)
        case body(ByteBuffer)
        /// The answer ended; `reusable` when the connection may carry another request.
        case end(reusable: Bool)
    }

    typealias Malformed = HTTPWireError

    /// Between answers, or reading one's body.
    private var body: HTTPBodyReader?
    var keepAlive = true
    /// Whether the request was a HEAD (its answer has no body whatever the headers say).
    var requestIsHead = false

    /// Whether bytes of an unfinished answer are still expected.
    var inMessage: Bool { body != nil }

    /// Parses what `buffer` holds, consuming complete parts (a partial line stays for the next call). Stops after an
    /// answer's end: bytes left after it were not asked for (the end says the connection is not reusable then).
    mutating func parse(_ buffer: inout ByteBuffer, emit: (Event) -> Void) throws(Malformed) {
        if body == nil {
            guard let (head, bytes) = try parseHead(&buffer) else { return }
            body = HTTPBodyReader(head.framing)
            emit(.head(status: head.status, headers: HeaderFields(bytes: bytes, spans: head.spans)))
        }
        guard var reader = body else { return }
        let ended = try reader.read(&buffer) { emit(.body($0)) }
        body = reader
        if ended { finish(buffer, emit) }
    }

    /// The connection closed: ends a body framed by the close; any other unfinished answer was cut short.
    mutating func closed(emit: (Event) -> Void) throws(Malformed) {
        guard let reader = body else { return }
        guard reader.endsAtClose else { throw Malformed("connection closed in the middle of the answer") }
        body = nil
        emit(.end(reusable: false))
    }

    private mutating func finish(_ rest: ByteBuffer, _ emit: (Event) -> Void) {
        body = nil
        requestIsHead = false
        emit(.end(reusable: keepAlive && rest.readableBytes == 0))
    }

    /// Parses a final answer's head when all of it arrived (informational ones are skipped); nil when more bytes
    /// are needed. Sets `keepAlive`.
    private mutating func parseHead(_ buffer: inout ByteBuffer) throws(Malformed) -> (HTTPResponseHead, ByteBuffer)? {
        while true {
            let end: Int
            switch HTTPWire.headSpan(in: buffer, limit: HTTPWire.maxHeadBytes) {
            case .needMore: return nil
            case .tooLarge: throw Malformed("response head over \(HTTPWire.maxHeadBytes) bytes")
            case .complete(let length): end = length
            }
            let bytes = buffer.readSlice(length: end)!
            var head = try bytes.withUnsafeReadableBytes { raw throws(Malformed) in try HTTPResponseHead(raw) }
            if head.status / 100 == 1 {
                // 100 Continue and other informational answers precede the real one; 101 would switch protocols.
                guard head.status != 101 else { throw Malformed("unexpected 101 Switching Protocols") }
                continue
            }
            keepAlive = head.frame(requestIsHead: requestIsHead)
            return (head, bytes)
        }
    }
}
