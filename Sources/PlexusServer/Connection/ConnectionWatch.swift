import Synchronization

/// Tells a client connection's task that the client went away, so the work it is doing for the client can stop.
final class ConnectionWatch: Sendable {
    private enum State {
        case open
        case waiting(CheckedContinuation<Void, Never>)
        case closed
    }

    private let state = Mutex(State.open)

    /// Marks the connection closed and wakes the waiter; later calls do nothing. Called on the event loop.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state = .closed }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }

    /// Returns once the connection is closed, or when the waiting task is cancelled. One waiter at a time.
    func closed() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let isClosed = state.withLock { state in
                    if case .closed = state { return true }
                    state = .waiting(continuation)
                    return false
                }
                if isClosed { continuation.resume() }
            }
        } onCancel: {
            close()
        }
    }
}
