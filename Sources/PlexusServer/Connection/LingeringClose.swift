import NIOCore

/// A connection the gateway closes after its last answer, without a reset: the output is shut once the answers are
/// out, and what the client still sends is read and dropped, until it has been silent for `timeout`, for `time` at
/// most, and up to `limit` bytes (nginx's lingering close: `lingering_timeout`, `lingering_time`). Closing at once
/// with bytes unread in the socket sends a reset, and the client's kernel drops the answer it had not read yet.
/// The clock only: the handler shuts, reads and closes.
struct LingeringClose {
    let time: TimeAmount
    let timeout: TimeAmount
    let limit: Int
    /// Dropped so far.
    private(set) var dropped = 0
    /// Once the output is shut: when the close comes at the latest.
    private var until: NIODeadline?
    private var lastRead = NIODeadline.uptimeNanoseconds(0)

    init(time: TimeAmount, timeout: TimeAmount, limit: Int) {
        self.time = time
        self.timeout = timeout
        self.limit = limit
    }

    /// The client sent `count` more bytes; false once the limit is past and the connection must close.
    mutating func read(_ count: Int, now: NIODeadline) -> Bool {
        dropped += count
        lastRead = now
        return dropped <= limit
    }

    /// The output is shut (the answers went out): the client's time starts. Returns the timer's first deadline.
    mutating func outputShut(now: NIODeadline) -> NIODeadline {
        let until = until ?? now + time
        self.until = until
        lastRead = now
        return min(lastRead + timeout, until)
    }

    enum Fire: Equatable {
        case close
        case rearm(NIODeadline)
        /// The output is not shut yet: no timer should have run.
        case none
    }

    /// The timer fired: the close is due, or the client sent bytes since and has until the next deadline. The
    /// timer is re-armed when it fires rather than on every read, which costs nothing while bytes flow.
    func fired(now: NIODeadline) -> Fire {
        guard let until else { return .none }
        let due = min(lastRead + timeout, until)
        return due <= now ? .close : .rearm(due)
    }
}
