import NIOCore
import PlexusRouting

/// How long a client may take (`server.header_timeout_seconds`, `body_timeout_seconds`, `idle_timeout_seconds`).
struct ClientTimeouts: Sendable {
    /// A whole request head must arrive within this, from its first byte (not per byte).
    var header: TimeAmount = .seconds(10)
    /// The longest pause while a request body arrives.
    var body: TimeAmount = .seconds(30)
    /// A keep-alive connection with no request is closed after this.
    var idle: TimeAmount = .seconds(75)
}

extension ClientTimeouts {
    /// The `server` section's timeouts (read at start: a change applies after a restart).
    init(_ server: ServerConfig) {
        header = .nanoseconds(Int64(server.headerTimeoutSeconds * 1e9))
        body = .nanoseconds(Int64(server.bodyTimeoutSeconds * 1e9))
        idle = .nanoseconds(Int64(server.idleTimeoutSeconds * 1e9))
    }
}

/// What a connection waits for from its client, and since when: the state machine behind the connection's one
/// timer. Only waits on the client count; while the gateway answers, nothing is timed here.
struct ClientClock {
    let timeouts: ClientTimeouts
    /// When the task began waiting for the next request; nil while it answers one.
    private(set) var waitingSince: NIODeadline?
    /// The first byte of a request head not yet complete.
    private(set) var headStartedAt: NIODeadline?
    /// The last bytes from the client.
    private(set) var lastReadAt: NIODeadline
    /// Requests taken so far: a new connection gets the header timeout for its first, not the idle one.
    private(set) var requests = 0

    init(timeouts: ClientTimeouts, now: NIODeadline) {
        self.timeouts = timeouts
        lastReadAt = now
    }

    /// What the connection is waiting for.
    enum Wait: Equatable {
        case nothing
        case head(since: NIODeadline)
        case body(since: NIODeadline)
        case idle(since: NIODeadline)
    }

    /// Bytes arrived; outside a body they belong to a request head.
    mutating func bytesArrived(now: NIODeadline, inBody: Bool) {
        lastReadAt = now
        if inBody {
            headStartedAt = nil
        } else if headStartedAt == nil {
            headStartedAt = now
        }
    }

    /// Reading resumed after the gateway held it (back-pressure): the client's pause until now was ours.
    mutating func readsResumed(now: NIODeadline) { lastReadAt = now }

    mutating func headArrived() { headStartedAt = nil }

    mutating func taskWaits(now: NIODeadline) { waitingSince = waitingSince ?? now }

    mutating func taskTookRequest() {
        waitingSince = nil
        requests += 1
    }

    /// `bodyPending`: a body the task is reading (or will be handed whole) is still arriving.
    func wait(bodyPending: Bool, taskReadsBody: Bool) -> Wait {
        if bodyPending && (waitingSince != nil || taskReadsBody) { return .body(since: lastReadAt) }
        guard let waiting = waitingSince else { return .nothing }
        if let started = headStartedAt { return .head(since: max(started, waiting)) }
        let since = max(lastReadAt, waiting)
        return requests == 0 ? .head(since: since) : .idle(since: since)
    }

    /// When the wait runs out (nil when nothing is timed).
    func deadline(of wait: Wait) -> NIODeadline? {
        switch wait {
        case .nothing: nil
        case .head(let since): since + timeouts.header
        case .body(let since): since + timeouts.body
        case .idle(let since): since + timeouts.idle
        }
    }
}
