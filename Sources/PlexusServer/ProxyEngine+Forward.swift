import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage
import PlexusUpstream

extension ProxyEngine {
    /// What one attempt at a candidate came to.
    enum AttemptResult {
        case done(GatewayAnswer)
        case retry(AttemptFailure)
    }

    /// Tries candidates in order until one answers; fails over only before anything reached the client, within
    /// one deadline over all attempts. Every path records the request once. `record` is the caller's, in place:
    /// copying the large struct into each step cost about 5k instructions per request.
    func forward(
        _ inbound: InboundRequest, proto: APIProtocol, candidates: [Candidate], snapshot: GatewayState,
        forwardedHeaders: [(String, String)], conversation: UInt64?, record: inout RequestRecord
    ) async -> GatewayAnswer {
        let failover = snapshot.config.failover
        let limit = failover.enabled ? max(1, failover.maxAttempts) : 1
        let deadline = ContinuousClock.now + snapshot.requestTimeout
        var lastError = PlexusError(.unavailable, "no target could serve the request")
        var tried = 0
        var full = 0
        attempts: for candidate in candidates where tried < limit {
            if Task.isCancelled {
                return .response(cancelled(proto: proto, record: &record))
            }
            // A target at its max_concurrency is passed over, as a cooling one would be, and costs no attempt.
            guard acquireSlot(candidate, record: &record) else {
                full += 1
                continue
            }
            tried += 1
            let remaining = deadline - .now
            guard remaining > .zero else {
                releaseSlot(&record)
                lastError = Self.deadlinePassed(failover.requestTimeoutSeconds)
                break attempts
            }
            let plan: AttemptPlan
            do {
                plan = try AttemptPlan(
                    inbound: inbound, clientProtocol: proto, candidate: candidate, memo: snapshot.memo)
            } catch {
                return .response(fail(error, proto: proto, record: &record))
            }
            record.row.provider = candidate.provider.name
            record.row.upstreamModel = candidate.target.model
            record.row.targetProtocol = plan.targetProtocol
            record.row.passthrough = plan.passthrough
            record.candidate = candidate
            record.upstreamBody = plan.body
            let firstByte = snapshot.firstByteTimeout
            let context = AttemptContext(
                plan: plan, inbound: inbound, snapshot: snapshot, forwardedHeaders: forwardedHeaders,
                firstByteTimeout: min(firstByte, remaining), conversation: conversation)
            switch await attempt(context, record: &record) {
            case .done(let answer):
                return answer
            case .retry(let failure):
                releaseSlot(&record)
                if Task.isCancelled {
                    // The client left while this attempt ran: its failure is the client's leaving, not the target's.
                    record.addAttempt(plan, status: nil, error: "client disconnected", since: context.started)
                    return .response(cancelled(proto: proto, record: &record))
                }
                lastError = failure.error
                record.addAttempt(plan, status: failure.status, error: failure.error.message, since: context.started)
                noteFailure(failure, plan: plan, snapshot: snapshot, started: context.started)
                if failure.reason == .timeout && remaining <= firstByte {
                    // The attempt ran into the request's deadline, not its own.
                    lastError = Self.deadlinePassed(failover.requestTimeoutSeconds)
                    break attempts
                }
            }
        }
        if tried == 0, full > 0 {
            let error = Self.everyTargetFull(record.row.alias)
            return .response(limitedResponse(error, proto: proto, retryAfter: 1, record: &record))
        }
        return .response(fail(lastError, proto: proto, record: &record))
    }

    /// A failover-worthy failure: cooldown and an error sample for the target, unless the client left.
    private func noteFailure(
        _ failure: AttemptFailure, plan: AttemptPlan, snapshot: GatewayState, started: ContinuousClock.Instant
    ) {
        logger.debug(
            "attempt failed, trying the next target",
            metadata: [
                "provider.name": "\(plan.candidate.provider.name)", "error.message": "\(failure.error.message)",
            ])
        guard let reason = failure.reason, !Task.isCancelled else { return }
        let sample = PerformanceSample(
            at: RoutingState.now(), ttftMs: nil, tokensPerSecond: nil,
            durationMs: RequestRecord.milliseconds(.now - started), outputTokens: 0, success: false)
        coolDown(
            plan.candidate.target, reason: reason, status: failure.status, retryAfter: failure.retryAfter,
            config: snapshot.config.cooldown, sample: sample)
    }

    /// The error of a request whose one deadline over all attempts ran out.
    static func deadlinePassed(_ seconds: Double) -> PlexusError {
        PlexusError(.timeout, "request deadline of \(seconds) s passed")
    }

    /// Records a target's failure; a newly set cooldown is announced on the live events stream.
    func coolDown(
        _ target: TargetID, reason: CooldownReason, status: Int? = nil, retryAfter: Double?,
        config: CooldownConfig, sample: PerformanceSample
    ) {
        let entry = routing.failed(
            target, reason: reason, status: status, retryAfter: retryAfter, config: config, sample: sample)
        if entry.setAt == sample.at, events.hasSubscribers {
            events.publish(.cooldownSet(entry.json(now: sample.at)))
        }
    }

    /// The client went away before an answer: no further attempt, recorded as cancelled.
    func cancelled(proto: APIProtocol, record: inout RequestRecord) -> Response {
        record.finish(outcome: .cancelled, httpStatus: 499, error: "client disconnected")
        commit(&record)
        return HTTPResponses.error(
            PlexusError(.invalidRequest, "client disconnected"), for: proto, requestID: record.id)
    }
}

/// Everything one attempt needs.
/// A class: the relays and the bookkeeping after the answer share it rather than copy it.
final class AttemptContext: Sendable {
    let plan: AttemptPlan
    let inbound: InboundRequest
    let snapshot: GatewayState
    /// Client headers passed on upstream (`anthropic-beta`), as name and value.
    let forwardedHeaders: [(String, String)]
    let firstByteTimeout: Duration
    /// The sticky-session key of the conversation, when sticky sessions are on.
    let conversation: UInt64?
    let started = ContinuousClock.now

    init(
        plan: AttemptPlan, inbound: InboundRequest, snapshot: GatewayState, forwardedHeaders: [(String, String)],
        firstByteTimeout: Duration, conversation: UInt64?
    ) {
        self.plan = plan
        self.inbound = inbound
        self.snapshot = snapshot
        self.forwardedHeaders = forwardedHeaders
        self.firstByteTimeout = firstByteTimeout
        self.conversation = conversation
    }
}

extension RequestRecord {
    /// Appends one try at `plan`'s target to the row's attempt history.
    mutating func addAttempt(
        _ plan: AttemptPlan, status: Int?, error: String?, since: ContinuousClock.Instant,
        at: ContinuousClock.Instant = .now
    ) {
        row.attempts.append(
            UsageRecord.Attempt(
                provider: plan.candidate.provider.name, model: plan.candidate.target.model,
                api: plan.targetProtocol.rawValue, status: status, error: error,
                durationMs: Self.milliseconds(at - since), passthrough: plan.passthrough))
    }
}
