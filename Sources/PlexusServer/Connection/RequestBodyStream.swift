import NIOCore

/// A request body handed to the connection's task part by part: one longer than the collect limit, or one whose
/// client waits for `100 Continue`. Bookkeeping only: its event methods change the state and say what the
/// connection handler does next, so every path can be tested without a channel.
struct RequestBodyStream {
    typealias Waiter = UnsafeContinuation<ByteBuffer?, any Error>

    let id: Int
    /// The `Content-Length` (nil: chunked).
    let length: Int?
    private var parts = CircularBuffer<ByteBuffer>(initialCapacity: 4)
    /// Received and not yet taken by the task: what back-pressure counts.
    private(set) var buffered = 0
    /// Body bytes received so far, taken, buffered or dropped.
    private var received = 0
    /// Dropped since the request was answered.
    private var discarded = 0
    /// The body's end arrived, or the stream failed.
    private(set) var ended = false
    private var failed = false
    /// The request was answered before its body was read: the rest is dropped as it arrives.
    private var discarding = false
    /// Its request went to the task; until then the stream is not the answered request's to release.
    var delivered = false
    /// The task waits for the next part.
    private var waiter: Waiter?
    /// The `100 Continue` the client waits for, written when the task first reads the body: a request answered
    /// without it (a 413 by its length, a 401) never makes the client send a body.
    private var continueHead: ByteBuffer?

    init(id: Int, length: Int?, first: ByteBuffer, continueHead: ByteBuffer?) {
        self.id = id
        self.length = length
        self.continueHead = continueHead
        if first.readableBytes > 0 { parts.append(first) }
        buffered = first.readableBytes
        received = first.readableBytes
    }

    /// The body is still arriving and someone will read or drop it.
    var awaitsBytes: Bool { !ended && !discarding }

    /// The task waits for a part.
    var taskWaits: Bool { waiter != nil }

    enum Arrival: Equatable {
        /// Kept for the task: wake it if it waits.
        case buffered
        /// Dropped, its request being answered.
        case dropped
        /// Dropped, and past `limit`: a body with no length to judge by ends the connection here.
        case overLimit
    }

    /// Body bytes from the client.
    mutating func receive(_ bytes: ByteBuffer, discardLimit: Int) -> Arrival {
        received += bytes.readableBytes
        continueHead = nil  // the client sends without waiting for it
        guard !discarding else {
            discarded += bytes.readableBytes
            return discarded > discardLimit ? .overLimit : .dropped
        }
        parts.append(bytes)
        buffered += bytes.readableBytes
        return .buffered
    }

    /// The body's end arrived; false when the stream was being dropped and is done with.
    mutating func receiveEnd() -> Bool {
        continueHead = nil
        if discarding { return false }
        ended = true
        return true
    }

    /// What the task gets when it asks for the next part.
    enum Take {
        case part(ByteBuffer)
        case end
        case failed
        /// Nothing yet: the waiter is kept until bytes, the end or a failure arrive.
        case wait
    }

    /// The `100 Continue` to write before the task's first read, once.
    mutating func takeContinueHead() -> ByteBuffer? {
        defer { continueHead = nil }
        return continueHead
    }

    /// The task asks for the next part; `waiter` is kept when there is none yet.
    mutating func take(_ waiter: Waiter) -> Take {
        if let part = parts.popFirst() {
            buffered -= part.readableBytes
            return .part(part)
        }
        if failed { return .failed }
        if ended { return .end }
        self.waiter = waiter
        return .wait
    }

    /// The waiting task, to be answered again after bytes or the end arrived.
    mutating func takeWaiter() -> Waiter? {
        defer { waiter = nil }
        return waiter
    }

    /// The connection went before the body's end; returns the waiting task, to be thrown `Closed`.
    mutating func fail() -> Waiter? {
        guard !ended else { return nil }
        failed = true
        ended = true
        return takeWaiter()
    }

    /// Its request was answered: true when the stream is done with; else what the task did not read is dropped,
    /// and so is the rest as it arrives.
    mutating func release() -> Bool {
        if ended { return true }
        discarding = true
        parts.removeAll()
        buffered = 0
        return false
    }

    /// The rest of the body cannot be read and dropped to keep the connection once its request is answered: its
    /// client waits for a `100 Continue` it will not get, or more than `discardLimit` is still to come.
    func blocksReuse(discardLimit: Int) -> Bool {
        guard delivered, !ended else { return false }
        if continueHead != nil { return true }
        guard let length else { return false }  // chunked: dropped up to the limit, then closed
        return length - received > discardLimit
    }
}
