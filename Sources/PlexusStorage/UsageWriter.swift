import Logging
import ServiceLifecycle
import Synchronization

/// Collects finished requests off the hot path and writes them in batches (≤ 250 ms or ≤ 500 rows).
///
/// `record` only appends to an in-memory buffer under a short lock, so a request never waits on the disk.
/// The service drains the buffer on graceful shutdown (SIGTERM) before it returns.
public final class UsageWriter: Service {
    private let store: any UsageStore
    private let logger: Logger
    private let pending = Mutex<[UsageRecord]>([])
    private let interval: Duration
    private let flushLock = AsyncSerial()

    public init(store: any UsageStore, logger: Logger, interval: Duration = .milliseconds(250)) {
        self.store = store
        self.logger = logger
        self.interval = interval
    }

    /// Queues a finished request; never blocks on I/O.
    public func record(_ row: UsageRecord) {
        pending.withLock { $0.append(row) }
    }

    /// Writes everything queued so far.
    public func flush() async {
        await flushLock.run {
            let rows = pending.withLock { rows in
                let taken = rows
                rows.removeAll(keepingCapacity: true)
                return taken
            }
            guard !rows.isEmpty else { return }
            do {
                try await store.insert(rows)
            } catch {
                // Keep the rows for the next round rather than lose them.
                pending.withLock { $0.insert(contentsOf: rows, at: 0) }
                logger.error("usage write failed", metadata: ["storage.error": "\(error)", "storage.rows": "\(rows.count)"])
            }
        }
    }

    public func run() async throws {
        // Graceful shutdown cancels the wait loop; the final flush below still runs.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                await self.flush()
            }
        }
        await flush()
        logger.info("usage writer flushed and stopped")
    }
}

/// Runs async closures one at a time (so two flushes never interleave their inserts).
final class AsyncSerial: Sendable {
    private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func run(_ body: () async -> Void) async {
        await acquire()
        await body()
        release()
    }

    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.busy { s.waiters.append(c); return false }
                s.busy = true
                return true
            }
            if resumeNow { c.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.busy = false; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
