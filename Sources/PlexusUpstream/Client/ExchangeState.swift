import NIOCore
import NIOHTTP1

/// What one upstream exchange has seen and who waits for what: the state machine behind `UpstreamExchange`.
/// Its event methods run under the exchange's lock and return what to do once the lock is released (resume a
/// waiter, resume reading, arm a timer, cancel the request), so nothing runs re-entrantly under the lock.
struct ExchangeState {
    /// A response head.
    struct Head: Sendable {
        var status: Int
        var headers: HTTPHeaders
    }

    /// Which silence the timer watches.
    enum Clock {
        /// Until the first event: the attempt's first-event deadline.
        case firstEvent(NIODeadline)
        /// Once the answer has started: at most `idleTimeout` of silence between two reads.
        case idle
    }

    enum Completion {
        case open
        case ended
        case failed(UpstreamError)
    }

    var completion = Completion.open
    var head: Head?
    var headWaiter: CheckedContinuation<Head, any Error>?
    var bodyWaiter: CheckedContinuation<ByteBuffer?, any Error>?
    /// The oldest unread chunk, then the others (most unary answers are one chunk: no ring buffer for them).
    var first: ByteBuffer?
    var rest = CircularBuffer<ByteBuffer>(initialCapacity: 0)
    var buffered = 0
    /// Completed when reading may resume (AsyncHTTPClient waits for it before reading on).
    var paused: EventLoopPromise<Void>?
    /// Whether any byte of the request may have left (AsyncHTTPClient issued the head's write).
    var headSent = false
    var clock: Clock
    let idleTimeout: TimeAmount
    let firstEventAtHead: Bool
    var lastActivity: NIODeadline
    /// When the armed timer fires.
    var timerAt: NIODeadline

    static let highWater = 512 * 1024
    static let lowWater = 64 * 1024

    init(firstEventDeadline: NIODeadline, idleTimeout: TimeAmount, firstEventAtHead: Bool, now: NIODeadline) {
        clock = .firstEvent(firstEventDeadline)
        self.idleTimeout = idleTimeout
        self.firstEventAtHead = firstEventAtHead
        lastActivity = now
        timerAt = firstEventDeadline
    }

    var isOpen: Bool { if case .open = completion { true } else { false } }

    // MARK: Producer events (AsyncHTTPClient's delegate, on the event loop)

    mutating func receive(head: Head, now: NIODeadline) -> CheckedContinuation<Head, any Error>? {
        guard isOpen else { return nil }
        self.head = head
        lastActivity = now
        if firstEventAtHead { clock = .idle }
        defer { headWaiter = nil }
        return headWaiter
    }

    enum BodyAction {
        case resume(CheckedContinuation<ByteBuffer?, any Error>)
        case readOn
        /// Reading waits for this future (completed when the reader has drained the buffer).
        case pause(EventLoopFuture<Void>)
    }

    /// Hands the chunk to a waiting reader or buffers it; past the high-water mark reading pauses.
    mutating func receive(body: ByteBuffer, now: NIODeadline, on loop: any EventLoop) -> BodyAction {
        guard isOpen else { return .readOn }
        lastActivity = now
        if let waiter = bodyWaiter {
            bodyWaiter = nil
            return .resume(waiter)
        }
        if first == nil { first = body } else { rest.append(body) }
        buffered += body.readableBytes
        guard buffered >= Self.highWater else { return .readOn }
        let promise = loop.makePromise(of: Void.self)
        paused = promise
        return .pause(promise.futureResult)
    }

    mutating func end() -> CheckedContinuation<ByteBuffer?, any Error>? {
        guard isOpen else { return nil }
        completion = .ended
        defer { bodyWaiter = nil }
        return bodyWaiter
    }

    struct Failure {
        var head: CheckedContinuation<Head, any Error>?
        var body: CheckedContinuation<ByteBuffer?, any Error>?
        var paused: EventLoopPromise<Void>?
    }

    /// The first failure wins; an exchange that ended ignores later ones (the connection closing afterwards).
    mutating func fail(_ error: UpstreamError) -> Failure? {
        guard isOpen else { return nil }
        completion = .failed(error)
        defer {
            headWaiter = nil
            bodyWaiter = nil
            paused = nil
        }
        return Failure(head: headWaiter, body: bodyWaiter, paused: paused)
    }

    // MARK: Consumer events (the task reading the answer)

    enum Next {
        case chunk(ByteBuffer, resume: EventLoopPromise<Void>?)
        case end
        case failed(UpstreamError)
        case wait
    }

    /// The oldest buffered chunk (reading resumes once the buffer drained below low water), else the end.
    mutating func next(now: NIODeadline) -> Next {
        if let chunk = first {
            first = rest.popFirst()
            buffered -= chunk.readableBytes
            var resume: EventLoopPromise<Void>?
            if buffered < Self.lowWater, let promise = paused {
                paused = nil
                resume = promise
                lastActivity = now  // a slow reader's pause is not the upstream's silence
            }
            return .chunk(chunk, resume: resume)
        }
        switch completion {
        case .open: return .wait
        case .ended: return .end
        case .failed(let error): return .failed(error)
        }
    }

    /// The answer has started (a stream's first event): from now on only silence counts. Returns when the timer
    /// must fire sooner than it is armed for.
    mutating func firstEventArrived(now: NIODeadline) -> NIODeadline? {
        guard case .firstEvent = clock else { return nil }
        clock = .idle
        lastActivity = now
        let due = now + idleTimeout
        guard isOpen, due < timerAt else { return nil }
        timerAt = due
        return due
    }

    // MARK: Timer

    enum TimerDecision: Equatable {
        case none
        case rearm(NIODeadline)
        case fail(UpstreamError)
    }

    /// The armed timer fired at `now`.
    mutating func timerFired(now: NIODeadline) -> TimerDecision {
        guard isOpen else { return .none }
        let due: NIODeadline
        switch clock {
        case .firstEvent(let deadline):
            guard now < deadline else {
                return .fail(UpstreamError(.firstByteTimeout, "no first event within the first-byte timeout"))
            }
            due = deadline
        case .idle:
            if paused != nil {
                due = now + idleTimeout  // the reader is behind; the upstream is not silent
            } else {
                guard now < lastActivity + idleTimeout else {
                    let seconds = Double(idleTimeout.nanoseconds) / 1e9
                    return .fail(UpstreamError(.idleTimeout, "upstream silent for \(seconds) s (timeout_seconds)"))
                }
                due = lastActivity + idleTimeout
            }
        }
        timerAt = due
        return .rearm(due)
    }
}
