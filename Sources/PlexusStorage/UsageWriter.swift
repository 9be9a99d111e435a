import Logging
import ServiceLifecycle
import Synchronization

/// Collects finished requests (and their traces and errors) off the hot path and writes them in batches.
///
/// `record`, `trace` and `error` only append to an in-memory buffer under a short lock, so a request never waits
/// on the disk. The service drains the buffer on graceful shutdown (SIGTERM) before it returns.
public final class UsageWriter: Service {
    /// Everything queued since the last flush.
    struct Batch {
        var rows: [UsageRecord] = []
        var traces: [TraceRecord] = []
        var errors: [ErrorRecord] = []
    }

    private let store: any UsageStore
    private let logger: Logger
    private let pending = Mutex<Batch>(Batch())
    private let interval: Duration
    private let flushLock = AsyncSerial()
    /// Rows not yet stored, on disk (nil: no journal, as in tests that need none).
    private let journal: UsageJournal?

    public init(
        store: any UsageStore, logger: Logger, interval: Duration = .milliseconds(250),
        journal: UsageJournal? = nil
    ) {
        self.store = store
        self.logger = logger
        self.interval = interval
        self.journal = journal
    }

    /// Queues a finished request; never waits on the database. With a journal, the row is also appended to it
    /// (one write to the page cache) before this returns, so it survives the process being killed.
    public func record(_ row: UsageRecord) {
        let line = journal.map { _ in UsageJournal.line(row) }
        pending.withLock {
            if let line { journal?.append(line) }
            $0.rows.append(row)
        }
    }

    /// Queues a captured debug trace; never blocks on I/O.
    public func trace(_ trace: TraceRecord) {
        pending.withLock { $0.traces.append(trace) }
    }

    /// Queues an error entry; never blocks on I/O.
    public func error(_ error: ErrorRecord) {
        pending.withLock { $0.errors.append(error) }
    }

    /// Writes everything queued so far.
    public func flush() async {
        await flushLock.run {
            let batch = pending.withLock { batch in
                let taken = batch
                batch = Batch()
                if !taken.rows.isEmpty { journal?.rotate() }
                return taken
            }
            // Each kind is its own statement; a failed kind goes back to the front of its queue for the next round.
            var rowsStored = true
            await write(batch.rows, kind: "usage", store.insert) { rows in
                rowsStored = false
                pending.withLock { $0.rows.insert(contentsOf: rows, at: 0) }
            }
            if rowsStored && !batch.rows.isEmpty { journal?.stored() }
            await write(batch.traces, kind: "traces", store.insertTraces) { traces in
                pending.withLock { $0.traces.insert(contentsOf: traces, at: 0) }
            }
            await write(batch.errors, kind: "errors", store.insertErrors) { errors in
                pending.withLock { $0.errors.insert(contentsOf: errors, at: 0) }
            }
        }
    }

    private func write<Item>(
        _ items: [Item], kind: String, _ insert: ([Item]) async throws -> Void,
        putBack: ([Item]) -> Void
    ) async {
        guard !items.isEmpty else { return }
        do {
            try await insert(items)
        } catch {
            putBack(items)
            logger.error(
                "usage write failed",
                metadata: [
                    "storage.error": "\(error)", "storage.kind": "\(kind)", "storage.rows": "\(items.count)",
                ])
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
                if s.busy {
                    s.waiters.append(c)
                    return false
                }
                s.busy = true
                return true
            }
            if resumeNow { c.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.busy = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
