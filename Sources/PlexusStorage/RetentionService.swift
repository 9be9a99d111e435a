import Foundation
import Logging
import ServiceLifecycle

/// How long the store keeps data, in days (`storage.retention_days`, `storage.debug_retention_days`).
public struct RetentionPolicy: Sendable, Equatable {
    /// Usage rows, errors and stored responses.
    public var usageDays: Int
    public var traceDays: Int

    public init(usageDays: Int, traceDays: Int) {
        self.usageDays = usageDays
        self.traceDays = traceDays
    }
}

/// Deletes expired usage rows, errors, traces and stored responses at start and then every `interval`.
///
/// The policy is read on every round, so a config reload takes effect without a restart.
public final class RetentionService: Service {
    private let store: any UsageStore
    /// The same store's responses, when it keeps them (both stores do); found by a cast so that every caller that
    /// hands over its store gets responses expired too, without wiring a second argument.
    private let responses: (any ResponseStore)?
    private let policy: @Sendable () -> RetentionPolicy
    private let interval: Duration
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(
        store: any UsageStore, policy: @escaping @Sendable () -> RetentionPolicy,
        interval: Duration = .seconds(3600), logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        responses = store as? any ResponseStore
        self.policy = policy
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// One round: deletes what the current policy says has expired; returns the counts.
    @discardableResult
    public func runOnce() async throws -> (usage: Int, traces: Int, errors: Int, responses: Int) {
        let policy = policy()
        let now = now()
        let day = 86_400.0
        let usageBefore = now.addingTimeInterval(-Double(max(policy.usageDays, 0)) * day)
        let deleted = try await store.deleteOlder(
            usageBefore: usageBefore, tracesBefore: now.addingTimeInterval(-Double(max(policy.traceDays, 0)) * day))
        // A response belongs to its usage row (`requestID`), so it expires with it.
        let expired = try await responses?.deleteResponses(before: usageBefore) ?? 0
        return (deleted.usage, deleted.traces, deleted.errors, expired)
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.roundLogged()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    private func roundLogged() async {
        do {
            let deleted = try await runOnce()
            if deleted.usage + deleted.traces + deleted.errors + deleted.responses > 0 {
                logger.info(
                    "retention deleted old rows",
                    metadata: [
                        "storage.usage": "\(deleted.usage)", "storage.traces": "\(deleted.traces)",
                        "storage.errors": "\(deleted.errors)", "storage.responses": "\(deleted.responses)",
                    ])
            }
        } catch {
            logger.error("retention failed", metadata: ["storage.error": "\(error)"])
        }
    }
}
