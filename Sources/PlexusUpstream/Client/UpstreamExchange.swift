import NIOCore
import Synchronization

/// One request and its answer on a pooled connection, shared by the connection's handler (which produces, on the
/// event loop) and the task reading the answer (which consumes). The body is buffered up to a high-water mark,
/// past which the handler stops reading from the socket, so memory per stream stays bounded.
final class UpstreamExchange: Sendable {
    /// A response head.
    struct Head: Sendable {
        var status: Int
        var headers: HeaderFields
    }

    private struct State {
        var head: Head?
        var headWaiter: UnsafeContinuation<Head, any Error>?
        /// The oldest unread chunk, then the others: a unary answer is usually one chunk, and a ring buffer made
        /// per request for it cost about 1k instructions.
        var first: ByteBuffer?
        var rest: CircularBuffer<ByteBuffer>?
        var buffered = 0
        var bodyWaiter: UnsafeContinuation<ByteBuffer?, any Error>?
        var ended = false
        var failure: UpstreamError?
        var readPaused = false
    }

    static let highWater = 512 * 1024
    static let lowWater = 64 * 1024

    let channel: any Channel
    private let state = Mutex(State())

    init(channel: any Channel) { self.channel = channel }

    // MARK: Producer (the connection's handler)

    func receive(head: Head) {
        let waiter = state.withLock { s -> UnsafeContinuation<Head, any Error>? in
            guard s.failure == nil else { return nil }
            s.head = head
            defer { s.headWaiter = nil }
            return s.headWaiter
        }
        waiter?.resume(returning: head)
    }

    func receive(body: ByteBuffer) {
        let waiter = state.withLock { s -> UnsafeContinuation<ByteBuffer?, any Error>? in
            guard s.failure == nil else { return nil }
            if let w = s.bodyWaiter {
                s.bodyWaiter = nil
                return w
            }
            if s.first == nil {
                s.first = body
            } else {
                s.rest = s.rest ?? CircularBuffer(initialCapacity: 4)
                s.rest!.append(body)
            }
            s.buffered += body.readableBytes
            return nil
        }
        waiter?.resume(returning: body)
    }

    func end() {
        let waiter = state.withLock { s -> UnsafeContinuation<ByteBuffer?, any Error>? in
            guard s.failure == nil else { return nil }
            s.ended = true
            defer { s.bodyWaiter = nil }
            return s.bodyWaiter
        }
        waiter?.resume(returning: nil)
    }

    /// Fails whoever waits, once; a finished exchange ignores later failures (the connection closing afterwards).
    func fail(_ error: UpstreamError) {
        let (head, body) = state.withLock { s -> (UnsafeContinuation<Head, any Error>?, UnsafeContinuation<ByteBuffer?, any Error>?) in
            guard s.failure == nil, !s.ended else { return (nil, nil) }
            s.failure = error
            defer { s.headWaiter = nil; s.bodyWaiter = nil }
            return (s.headWaiter, s.bodyWaiter)
        }
        head?.resume(throwing: error)
        body?.resume(throwing: error)
    }

    /// Whether the handler should hold its next socket read (the consumer is behind).
    func pauseReadingIfFull() -> Bool {
        state.withLock { s in
            guard s.buffered >= Self.highWater else { return false }
            s.readPaused = true
            return true
        }
    }

    /// Bytes received and not yet read.
    var bufferedBytes: Int { state.withLock { $0.buffered } }

    /// Whether the answer ended or failed; an abandoned exchange that did neither must close its connection.
    var isFinished: Bool { state.withLock { $0.ended || $0.failure != nil } }

    // MARK: Consumer (the task reading the answer)

    /// Waits for the response head; cancelling the task fails the exchange and closes the connection.
    func head() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<Head, any Error>) in
                let ready: Result<Head, any Error>? = state.withLock { s in
                    if let f = s.failure { return .failure(f) }
                    if let h = s.head { return .success(h) }
                    s.headWaiter = c
                    return nil
                }
                if let ready { c.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The next body chunk, nil at the end. Buffered chunks return without suspending.
    func next() async throws -> ByteBuffer? {
        enum Fast { case chunk(ByteBuffer, resumeReading: Bool), end, failed(UpstreamError), wait }
        let fast = state.withLock { s -> Fast in
            if let (chunk, resume) = Self.pop(&s) { return .chunk(chunk, resumeReading: resume) }
            if let f = s.failure { return .failed(f) }
            return s.ended ? .end : .wait
        }
        switch fast {
        case .chunk(let chunk, let resume):
            if resume { channel.read() }
            return chunk
        case .end: return nil
        case .failed(let f): throw f
        case .wait: return try await waitForChunk()
        }
    }

    private func waitForChunk() async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<ByteBuffer?, any Error>) in
                let ready: (Result<ByteBuffer?, any Error>, Bool)? = state.withLock { s in
                    if let (chunk, resume) = Self.pop(&s) { return (.success(chunk), resume) }
                    if let f = s.failure { return (.failure(f), false) }
                    if s.ended { return (.success(nil), false) }
                    s.bodyWaiter = c
                    return nil
                }
                if let (result, resume) = ready {
                    if resume { channel.read() }
                    c.resume(with: result)
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Takes the oldest buffered chunk; true when reading should resume (the buffer drained below low water).
    private static func pop(_ s: inout State) -> (ByteBuffer, Bool)? {
        guard let chunk = s.first else { return nil }
        s.first = s.rest?.popFirst()
        s.buffered -= chunk.readableBytes
        let resume = s.readPaused && s.buffered < lowWater
        if resume { s.readPaused = false }
        return (chunk, resume)
    }

    /// The reader went away: fail the exchange and close the connection (an unfinished answer cannot be reused).
    func cancel() {
        fail(UpstreamError(.cancelled, "cancelled"))
        channel.close(promise: nil)
    }
}
