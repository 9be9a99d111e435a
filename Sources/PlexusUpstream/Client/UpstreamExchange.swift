import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// One request and its answer: AsyncHTTPClient's delegate produces (on `loop`), the task reading the answer
/// consumes. The body is buffered up to a high-water mark, past which AsyncHTTPClient stops reading from the
/// socket, so memory per stream stays bounded. A timer on `loop` watches the first-event deadline, then silence.
final class UpstreamExchange: HTTPClientResponseDelegate, Sendable {
    typealias Response = Void
    typealias Head = ExchangeState.Head

    let loop: any EventLoop
    private let state: Mutex<ExchangeState>
    private let request: Mutex<RequestHandle>

    /// The running request, or a failure that came before it was known.
    private struct RequestHandle {
        var task: HTTPClient.Task<Void>?
        var stopWith: UpstreamError?
        var timer: Scheduled<Void>?
    }

    init(loop: any EventLoop, timeouts: UpstreamTimeouts) {
        self.loop = loop
        let now = NIODeadline.now()
        state = Mutex(
            ExchangeState(
                firstEventDeadline: now + .init(timeouts.firstEvent), idleTimeout: .init(timeouts.idle),
                firstEventAtHead: timeouts.firstEventAtHead, now: now))
        request = Mutex(RequestHandle())
    }

    /// Starts `http` on `client` and arms the first-event timer.
    func start(_ http: HTTPClient.Request, on client: HTTPClient) {
        let deadline = state.withLock { $0.timerAt }
        // No deadline for AsyncHTTPClient: the timer below covers the wait for a connection too, with one error.
        // `client` keeps its connections on `loop` (UpstreamClients), so the callbacks need no hop. Asking a client
        // over the whole group for the loop instead (`.delegateAndChannel(on:)`) opens a connection per request.
        let task = client.execute(request: http, delegate: self, eventLoop: .delegate(on: loop))
        let timer = loop.scheduleTask(deadline: deadline) { [self] in timerFired() }
        let stop = request.withLock { handle -> UpstreamError? in
            handle.task = task
            handle.timer = timer
            return handle.stopWith
        }
        if let stop { task.fail(reason: stop) }
    }

    /// Bytes received and not yet read.
    var bufferedBytes: Int { state.withLock { $0.buffered } }

    /// Whether any byte of the request may have reached the upstream.
    var headSent: Bool { state.withLock { $0.headSent } }

    // MARK: AsyncHTTPClient's delegate (on `loop`)

    func didSendRequestHead(task: HTTPClient.Task<Void>, _ head: HTTPRequestHead) {
        state.withLock { $0.headSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let received = Head(status: Int(head.status.code), headers: head.headers)
        state.withLock { $0.receive(head: received, now: .now()) }?.resume(returning: received)
        return loop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        switch state.withLock({ $0.receive(body: buffer, now: .now(), on: loop) }) {
        case .resume(let waiter):
            waiter.resume(returning: buffer)
            return loop.makeSucceededVoidFuture()
        case .readOn:
            return loop.makeSucceededVoidFuture()
        case .pause(let future):
            return future
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        state.withLock { $0.end() }?.resume(returning: nil)
        stopTimer()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        fail(UpstreamError(client: error))
    }

    // MARK: Consumer (the task reading the answer)

    /// Waits for the response head; cancelling the task cancels the request.
    func head() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Head, any Error>) in
                let ready: Result<Head, any Error>? = state.withLock { s in
                    if case .failed(let f) = s.completion { return .failure(f) }
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
        switch state.withLock({ $0.next(now: .now()) }) {
        case .chunk(let chunk, let resume):
            resume?.succeed()
            return chunk
        case .end: return nil
        case .failed(let f): throw f
        case .wait: return try await waitForChunk()
        }
    }

    private func waitForChunk() async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<ByteBuffer?, any Error>) in
                let ready: Result<ByteBuffer?, any Error>?
                var resume: EventLoopPromise<Void>?
                (ready, resume) = state.withLock { s in
                    switch s.next(now: .now()) {
                    case .chunk(let chunk, let r): return (.success(chunk), r)
                    case .end: return (.success(nil), nil)
                    case .failed(let f): return (.failure(f), nil)
                    case .wait:
                        s.bodyWaiter = c
                        return (nil, nil)
                    }
                }
                resume?.succeed()
                if let ready { c.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The answer has started (a stream's first event): the first-event deadline gives way to the idle timeout.
    func firstEventArrived() {
        guard let sooner = state.withLock({ $0.firstEventArrived(now: .now()) }) else { return }
        rearm(at: sooner)
    }

    /// Whether the answer ended or failed; an abandoned exchange that did neither must be cancelled.
    var isFinished: Bool { state.withLock { !$0.isOpen } }

    /// The reader went away: fail the exchange and cancel the request (its connection cannot carry another).
    func cancel() {
        fail(UpstreamError(.cancelled, "cancelled"))
    }

    // MARK: Failure and timers

    /// Fails whoever waits, once, and stops the request.
    func fail(_ error: UpstreamError) {
        guard let failure = state.withLock({ $0.fail(error) }) else { return }
        failure.head?.resume(throwing: error)
        failure.body?.resume(throwing: error)
        failure.paused?.fail(error)
        let task = request.withLock { handle -> HTTPClient.Task<Void>? in
            if handle.task == nil { handle.stopWith = error }
            return handle.task
        }
        task?.fail(reason: error)
        stopTimer()
    }

    private func timerFired() {
        switch state.withLock({ $0.timerFired(now: .now()) }) {
        case .none:
            break
        case .rearm(let at):
            rearm(at: at)
        case .fail(let error):
            fail(error)
        }
    }

    /// Replaces the armed timer; one armed after the exchange finished is stopped at once (it would keep the
    /// exchange alive until it fired).
    private func rearm(at deadline: NIODeadline) {
        let timer = loop.scheduleTask(deadline: deadline) { [self] in timerFired() }
        let replaced = request.withLock { handle -> Scheduled<Void>? in
            defer { handle.timer = timer }
            return handle.timer
        }
        replaced?.cancel()
        if isFinished { stopTimer() }
    }

    private func stopTimer() {
        request.withLock { handle in
            defer { handle.timer = nil }
            return handle.timer
        }?.cancel()
    }
}
