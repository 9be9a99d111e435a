/// Wire-level misbehaviour: how `MockServer` puts an answer on the socket and what it does to the
/// connection afterwards, the way real servers and proxies misbehave (closes, HTTP/1.0, bodies ended
/// by EOF, TCP resets, garbage heads, slow bytes).
///
/// These options shape bytes, not content: the answer itself (success, `fail=` status, stream) is
/// chosen as usual and then delivered this way. They apply to every request of the behaviour
/// (`fail_first` / `fail_rate` gate only `fault`). The in-process `mock://` transport has no socket and
/// ignores them.
public struct MockWireOptions: Sendable, Equatable {
    /// `close=1`: answer with `Connection: close`, then close.
    public var connectionClose = false
    /// `close_silently=1`: answer as keep-alive (no `Connection` header), then close at once: the race a
    /// client loses when it reuses a connection the server is just closing.
    public var closeSilently = false
    /// `http10=1`: status line `HTTP/1.0`, no chunked encoding (streams end with the connection), then close.
    public var http10 = false
    /// `eof_body=1`: HTTP/1.1 with neither `Content-Length` nor chunked encoding; `Connection: close`
    /// and the close end the body.
    public var eofBody = false
    /// `recycle=N`: the N-th request on a connection gets `Connection: close` and the close after it
    /// (nginx `keepalive_requests`).
    public var recycleAfter: Int?
    /// `reset_at=B`: the first B bytes of the response as written (head included), then a TCP reset.
    public var resetAtByte: Int?
    /// `malformed_head=1`: an unparsable response head instead of the answer, then close.
    public var malformedHead = false
    /// `drip=MS`: every byte of the response (head included) alone, one per MS milliseconds.
    public var dripMilliseconds: Int?

    public init() {}

    /// True when the answer goes out as a well-behaved server would send it.
    public var isPolite: Bool { self == MockWireOptions() }
}

extension MockBehavior {
    /// Applies one wire option; false when `key` is not one (the caller then tries the others).
    mutating func applyWireOption(_ o: MockOptionValue) throws(MockBehaviorError) -> Bool {
        switch o.key {
        case "close": wire.connectionClose = try o.flagOrBare()
        case "close_silently": wire.closeSilently = try o.flagOrBare()
        case "http10": wire.http10 = try o.flagOrBare()
        case "eof_body": wire.eofBody = try o.flagOrBare()
        case "recycle": wire.recycleAfter = try o.positiveInt()
        case "reset_at": wire.resetAtByte = try o.int()
        case "malformed_head": wire.malformedHead = try o.flagOrBare()
        case "drip": wire.dripMilliseconds = try o.positiveInt()
        default: return false
        }
        return true
    }
}
