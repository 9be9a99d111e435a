import NIOHTTP1

/// How one response goes on the wire and what becomes of the connection after it.
///
/// Decided once, before the first byte, from the request (version, `Connection`), the response's wire
/// options and how many requests the connection has carried, so the encoder and the connection loop
/// only follow it.
struct MockWirePlan: Sendable, Equatable {
    /// How the body's end is marked.
    enum Framing: Sendable, Equatable {
        /// `content-length: N` (unary answers).
        case contentLength
        /// `transfer-encoding: chunked` (HTTP/1.1 streams).
        case chunked
        /// No length at all: the close ends the body (HTTP/1.0 streams, `eof_body`).
        case untilClose
    }

    /// What happens to the connection once the response is out.
    enum After: Sendable, Equatable {
        /// Wait for the next request.
        case keepAlive
        /// Close (FIN).
        case close
        /// TCP reset (RST), from `reset_at` when the response was shorter than its byte budget.
        case reset
    }

    /// Status line version.
    var version: HTTPVersion
    var framing: Framing
    /// The head's `connection` header: `close` when the mock will close, `keep-alive` for an HTTP/1.0 client
    /// that asked to keep the connection (1.0 means close otherwise), none when the default says it.
    var connectionHeader: String?
    var after: After
    /// Bytes of the response to write before the reset (`reset_at`).
    var resetAtByte: Int?
    /// Pause between single bytes (`drip`).
    var drip: Duration?
    /// Send a garbage head instead of the answer.
    var malformedHead: Bool

    /// - Parameters:
    ///   - requestOrdinal: 1 for a connection's first request, 2 for its second … (`recycle`).
    ///   - streaming: whether the body is a stream (no length known up front).
    init(request: HTTPRequestHead, wire: MockWireOptions, requestOrdinal: Int, streaming: Bool) {
        let clientHTTP10 = request.version.major == 1 && request.version.minor == 0
        let http10 = wire.http10 || clientHTTP10
        version = http10 ? .http1_0 : .http1_1
        if http10 {
            // HTTP/1.0 has no chunked encoding: a stream can only end with the connection.
            framing = streaming ? .untilClose : .contentLength
        } else if wire.eofBody {
            framing = .untilClose
        } else {
            framing = streaming ? .chunked : .contentLength
        }
        let recycled = wire.recycleAfter.map { requestOrdinal >= $0 } ?? false
        // A forced HTTP/1.0 answer says nothing about the connection, as old servers do: 1.0 means close.
        let announcesClose =
            !wire.http10
            && (wire.connectionClose || wire.eofBody || recycled || !request.isKeepAlive || framing == .untilClose)
        let closes = announcesClose || wire.http10 || wire.closeSilently || wire.malformedHead || framing == .untilClose
        resetAtByte = wire.resetAtByte
        after = resetAtByte != nil ? .reset : closes ? .close : .keepAlive
        connectionHeader = announcesClose ? "close" : clientHTTP10 && after == .keepAlive ? "keep-alive" : nil
        drip = wire.dripMilliseconds.map { .milliseconds($0) }
        malformedHead = wire.malformedHead
    }
}
