import ServiceLifecycle
import Synchronization

/// A one-way gate: waiters wait until it opens, and pass at once after.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var isOpen: Bool { state.withLock { $0.open } }

    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let passed = state.withLock { s in
                if s.open { return true }
                s.waiters.append(waiter)
                return false
            }
            if passed { waiter.resume() }
        }
    }
}

/// Runs `service` once `gate` opens (or not at all when shut down first).
struct StartAfter: Service {
    let service: any Service
    let gate: Gate

    init(_ service: any Service, gate: Gate) {
        self.service = service
        self.gate = gate
    }

    func run() async throws {
        let opened = await cancelWhenGracefulShutdown { () async -> Bool in
            await withTaskCancellationHandler {
                await gate.wait()
            } onCancel: {
                // Shut down before the gate opened: let `wait` return so this service ends.
                gate.open()
            }
            return !Task.isCancelled
        }
        guard opened == true else { return }
        try await service.run()
    }
}
