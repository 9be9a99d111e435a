import Foundation
import Logging
import PlexusRouting
import PlexusStorage
import ServiceLifecycle

/// Key limits counted in the database every instance shares (PostgreSQL): one transaction per admission of a
/// limited key, under that key's lock, so N instances admit what one would. The decision is `KeyLimiter.refusal`,
/// as in memory. When the database cannot be reached the request is admitted (the gateway stays up) and logged.
///
/// Finishes are written off the request path, in order, by `run` (a `Service` that stops after the application
/// and before the store, draining what is queued).
final class SharedLimitLedger: LimitLedger, Service {
    /// An unfinished request older than this no longer counts as in flight: the instance that ran it died.
    static let staleAfter: Double = 900

    private struct Finish: Sendable {
        let query: SharedLimitQuery
        let tokens: Int
        let costUSD: Double?
    }

    private let store: any SharedLimitStore
    private let logger: Logger
    private let finishes: AsyncStream<Finish>
    private let queue: AsyncStream<Finish>.Continuation

    init(store: any SharedLimitStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (finishes, queue) = AsyncStream.makeStream()
    }

    func run() async {
        await withGracefulShutdownHandler {
            for await finish in finishes {
                do {
                    try await store.finish(finish.query, tokens: finish.tokens, costUSD: finish.costUSD)
                } catch {
                    logger.error(
                        "key limits: a finished request was not counted",
                        metadata: [
                            "error.message": "\(error)"
                        ])
                }
            }
        } onGracefulShutdown: { [queue] in
            queue.finish()
        }
    }

    func admit(key: String, limits: KeyLimits, requestID: String, now: Date) async -> LimitVerdict {
        let query = Self.query(key: key, limits: limits, requestID: requestID, now: now)
        let t = now.timeIntervalSince1970
        let periodEnd = limits.budget?.period.interval(containing: now).end.timeIntervalSince1970
        do {
            let (counts, admitted) = try await store.admit(query) { counts in
                KeyLimiter.refusal(limits, standing: Self.standing(counts), edges: Self.edges(counts, periodEnd), at: t)
                    == nil
            }
            var standing = Self.standing(counts)
            if admitted {
                standing.requests += 1
                standing.concurrent += 1
                return .admitted(standing)
            }
            let refusal = KeyLimiter.refusal(limits, standing: standing, edges: Self.edges(counts, periodEnd), at: t)
            return .limited(refusal?.0 ?? .requestsPerMinute, retryAfter: refusal?.1 ?? 1, standing)
        } catch {
            logger.error("key limits unavailable; request admitted", metadata: ["error.message": "\(error)"])
            return .admitted(LimitStanding())
        }
    }

    func finish(key: String, limits: KeyLimits, requestID: String, tokens: Int, costUSD: Double?, now: Date) {
        let query = Self.query(key: key, limits: limits, requestID: requestID, now: now)
        queue.yield(Finish(query: query, tokens: tokens, costUSD: costUSD))
    }

    func standing(key: String, limits: KeyLimits, now: Date) async -> LimitStanding {
        let query = Self.query(key: key, limits: limits, requestID: "", now: now)
        return (try? await store.counts(query)).map(Self.standing) ?? LimitStanding()
    }

    private static func query(key: String, limits: KeyLimits, requestID: String, now: Date) -> SharedLimitQuery {
        let period = limits.budget.map { budget in
            (name: budget.period.rawValue, start: budget.period.interval(containing: now).start.timeIntervalSince1970)
        }
        return SharedLimitQuery(
            key: key, requestID: requestID, now: now.timeIntervalSince1970, requestCap: limits.requestsPerMinute,
            tokenCap: limits.tokensPerMinute, period: period, staleAfter: staleAfter)
    }

    private static func standing(_ c: SharedLimitCounts) -> LimitStanding {
        LimitStanding(
            requests: c.requests, tokens: c.tokens, concurrent: c.concurrent,
            spendUSD: c.spendUSD.isNaN ? 0 : c.spendUSD, unpricedRequests: c.unpriced)
    }

    private static func edges(_ c: SharedLimitCounts, _ periodEnd: Double?) -> LimitEdges {
        LimitEdges(requests: c.requestsEdge, tokens: c.tokensEdge, periodEnd: periodEnd)
    }
}
