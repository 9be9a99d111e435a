import NIOCore
import Synchronization

/// `server.max_connections`: at the cap the listening socket stops accepting, so further clients wait in the
/// kernel's backlog (their connects complete there) rather than being accepted and dropped; it accepts again as
/// soon as a connection closes.
final class ConnectionLimiter: Sendable {
    let max: Int
    private let open = Mutex(0)

    init(max: Int) { self.max = max }

    /// Counts a new connection and closes the door when it is the last one allowed.
    func opened(_ channel: any Channel) {
        let count = open.withLock { count -> Int in
            count += 1
            return count
        }
        if count >= max { channel.parent?.setOption(.autoRead, value: false).whenFailure { _ in } }
        channel.closeFuture.whenComplete { [self] _ in closed(channel) }
    }

    private func closed(_ channel: any Channel) {
        let count = open.withLock { count -> Int in
            count -= 1
            return count
        }
        if count < max { channel.parent?.setOption(.autoRead, value: true).whenFailure { _ in } }
    }
}
