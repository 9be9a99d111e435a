import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the listening socket accepts: below `server.max_connections`, and not while accepts are paused because the
/// process ran out of file descriptors.
///
/// At the cap the listening socket stops accepting, so further clients wait in the kernel's backlog (their connects
/// complete there) rather than being accepted and dropped; it accepts again as soon as a connection closes.
///
/// Out of descriptors, `accept()` fails with EMFILE (or ENFILE) and leaves the client in the backlog, so the socket
/// stays readable: NIO retried at once, about 18,000 times a second at 93 % of a core, until a descriptor came
/// free (its own back-off only delays a read the pipeline asks for, and the failed one stays pending). Accepts now
/// pause for `pause` after such a failure; the clients wait in the backlog meanwhile.
final class ConnectionLimiter: Sendable {
    let max: Int
    let pause: TimeAmount
    private let state = Mutex(State())

    private struct State {
        var open = 0
        var paused = false
    }

    init(max: Int, pause: TimeAmount = .milliseconds(100)) {
        self.max = max
        self.pause = pause
    }

    /// Descriptors kept for everything but client connections: the event loops' epoll, event and timer
    /// descriptors, the database and its journal, config reads, the log.
    static let reservedDescriptors = 64

    /// The most client connections the open-files limit `limit` can hold while every one of them also has an
    /// upstream connection, with `reservedDescriptors` to spare.
    ///
    /// The process must never reach its limit: libdispatch (the Swift concurrency thread pool on Linux) reads
    /// `/proc/<tid>/stat` once a second while work is queued, and traps ("registered worker exited prematurely")
    /// when that open fails. Held connections up to the limit killed the gateway in 1 of 8 trials.
    static func connectionBudget(openFilesLimit limit: Int) -> Int {
        Swift.max(1, (limit - reservedDescriptors) / 2)
    }

    /// The process's soft open-files limit (nil when it cannot be read; `Int.max` when unlimited).
    static func openFilesLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Counts a new connection and closes the door when it is the last one allowed.
    func opened(_ channel: any Channel) {
        let count = state.withLock { state -> Int in
            state.open += 1
            return state.open
        }
        if count == max, let server = channel.parent { refresh(server) }
        channel.closeFuture.whenComplete { [self] _ in closed(channel) }
    }

    private func closed(_ channel: any Channel) {
        let count = state.withLock { state -> Int in
            state.open -= 1
            return state.open
        }
        if count == max - 1, let server = channel.parent { refresh(server) }
    }

    /// Stops accepting on `server` for `pause` (called on its event loop, after a failed accept).
    func pauseAccepting(_ server: any Channel) {
        server.eventLoop.assertInEventLoop()
        let already = state.withLock { state in
            defer { state.paused = true }
            return state.paused
        }
        guard !already else { return }
        apply(server)
        server.eventLoop.scheduleTask(in: pause) { [self] in
            state.withLock { $0.paused = false }
            apply(server)
        }
    }

    /// Whether the server accepts now.
    var accepting: Bool { state.withLock { $0.open < max && !$0.paused } }

    /// Sets `autoRead` on the server's loop from the state as it is when it runs: changes from several loops
    /// cannot land out of order.
    private func refresh(_ server: any Channel) {
        server.eventLoop.execute { [self] in apply(server) }
    }

    private func apply(_ server: any Channel) {
        // On the server's loop: applies at once. Turning it off unregisters the socket from the selector, which
        // is what stops a failed accept from being retried straight away.
        server.setOption(.autoRead, value: accepting).whenFailure { _ in }
    }
}

/// On the listening socket: an `accept()` that failed for want of descriptors or memory pauses accepting (see
/// `ConnectionLimiter`). The failures are logged at most once per `logEvery`, with how many there were, and so is
/// the first accept after them.
final class AcceptFailureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel

    private let limiter: ConnectionLimiter
    private let logger: Logger
    private let logEvery: TimeAmount
    /// Accepts refused since the last line about them.
    private var failures = 0
    private var exhausted = false
    private var failureLogged: NIODeadline?
    private var recoveryLogged: NIODeadline?

    init(limiter: ConnectionLimiter, logger: Logger, logEvery: TimeAmount = .seconds(10)) {
        self.limiter = limiter
        self.logger = logger
        self.logEvery = logEvery
    }

    /// EMFILE, ENFILE (descriptors), ENOBUFS, ENOMEM (kernel memory): the client stays in the backlog and the next
    /// accept would fail the same way.
    static func isExhaustion(_ error: any Error) -> Bool {
        guard let code = (error as? IOError)?.errnoCode else { return false }
        return code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard Self.isExhaustion(error) else { return context.fireErrorCaught(error) }
        failures += 1
        exhausted = true
        limiter.pauseAccepting(context.channel)
        let now = NIODeadline.now()
        if due(failureLogged, now) {
            logger.error(
                "cannot accept connections (out of file descriptors?); pausing accepts",
                metadata: [
                    "error": "\(error)", "accept.failures": "\(failures)",
                    "accept.pause_ms": "\(limiter.pause.nanoseconds / 1_000_000)",
                ])
            failureLogged = now
            failures = 0
        }
        // Not passed on: NIO's own back-off would hold the next accept a whole second after descriptors came back.
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if exhausted {
            exhausted = false
            let now = NIODeadline.now()
            if due(recoveryLogged, now) {
                logger.notice("accepting connections again", metadata: ["accept.failures": "\(failures)"])
                recoveryLogged = now
                failures = 0
            }
        }
        context.fireChannelRead(data)
    }

    private func due(_ last: NIODeadline?, _ now: NIODeadline) -> Bool {
        last.map { now - $0 >= logEvery } ?? true
    }
}
