import PostgresNIO
import Synchronization

/// A store call that did not end within its limit.
public struct PostgresCallTimedOut: Error, Sendable, CustomStringConvertible {
    public var limit: Duration
    public var description: String { "PostgreSQL: no answer within \(limit); the call was abandoned" }
}

extension PostgresUsageStore {
    /// Runs one call to the database, in the store's error terms, and ends it after `limit` at the latest.
    ///
    /// postgres-nio can leave a call waiting forever when the server ends its connections just as the call is
    /// made (a database restart; `PostgresTerminatedConnectionTests` shows it). The call is cancelled at `limit`,
    /// and if it still does not end it is left behind: the caller gets `PostgresCallTimedOut` and carries on.
    func call<T: Sendable>(
        within limit: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let limit = limit ?? callLimit
        return try await Self.withStoreErrors {
            let work = Task { try await body() }
            return try await withTaskCancellationHandler {
                try await Self.first(of: work, orTimeoutAfter: limit)
            } onCancel: {
                work.cancel()
            }
        }
    }

    /// `work`'s result, or `PostgresCallTimedOut` after `limit` (and `work` cancelled), whichever comes first.
    private static func first<T: Sendable>(
        of work: Task<T, any Error>, orTimeoutAfter limit: Duration
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let waiting = Waiting(continuation)
            let timer = Task {
                try await Task.sleep(for: limit)
                guard let continuation = waiting.take() else { return }
                work.cancel()
                continuation.resume(throwing: PostgresCallTimedOut(limit: limit))
            }
            Task {
                let result = await work.result
                timer.cancel()
                waiting.take()?.resume(with: result)
            }
        }
    }
}

/// A continuation that the first of two racers takes and resumes.
private final class Waiting<T: Sendable>: Sendable {
    private let slot: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { slot = Mutex(continuation) }

    func take() -> CheckedContinuation<T, any Error>? { slot.withLock { $0.take() } }
}
