import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage
import PlexusUpstream

extension ProxyEngine {
    /// Sends one attempt and relays its answer, or says why the next target should be tried. `record` changes
    /// only on the way to `.done`, so a retry starts from what the previous attempts left.
    func attempt(_ context: AttemptContext, record: inout RequestRecord) async -> AttemptResult {
        let plan = context.plan
        let target = plan.upstreamTarget(forwarding: context.forwardedHeaders)
        let upstreamRequest = UpstreamRequest(target: target, body: plan.body)
        if let trace = record.trace {
            let configured = Set(plan.candidate.provider.headers.keys.map { $0.lowercased() })
            trace.upstreamRequest(
                url: target.url, headers: target.headers, configured: configured,
                body: Array(plan.body.readableBytesView))
        }
        let response: UpstreamResponse
        do {
            let timeouts = UpstreamTimeouts(
                firstEvent: context.firstByteTimeout, idle: .seconds(plan.candidate.provider.timeoutSeconds),
                firstEventAtHead: !context.inbound.stream)
            response = try await transports.transport(mock: plan.candidate.isMock).send(
                upstreamRequest, timeouts: timeouts)
        } catch {
            return .retry(AttemptFailure(transport: error, provider: plan.candidate.provider.name))
        }
        if response.status >= 400 {
            return await upstreamError(response, context: context, record: &record)
        }
        if context.plan.embeddings != nil {
            return await relayEmbeddings(response, context: context, record: &record)
        }
        if context.inbound.stream {
            return await relayStream(response, context: context, record: record)
        }
        return await relayUnary(response, context: context, record: &record)
    }

    private func upstreamError(
        _ response: UpstreamResponse, context: AttemptContext, record: inout RequestRecord
    ) async -> AttemptResult {
        let plan = context.plan
        let body = (try? await response.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
        let error = plan.upstreamError(status: response.status, body: body)
        record.trace?.upstreamResponse(status: response.status, headers: response.headers, body: body)
        if context.snapshot.config.failover.retryableStatusCodes.contains(response.status) {
            return .retry(
                AttemptFailure(
                    status: response.status, error: error, retryAfterHeader: response.header("retry-after"),
                    now: RoutingState.now()))
        }
        // A client error: the target is fine, the request is not; no other target would do better.
        record.errorExcerpt = String(decoding: body.prefix(2048), as: UTF8.self)
        record.addAttempt(plan, status: response.status, error: error.message, since: context.started)
        record.finish(outcome: .error, httpStatus: response.status, error: error.message)
        let clientBody = plan.passthrough ? body : error.body(for: plan.clientProtocol)
        record.trace?.clientResponse(status: response.status, body: clientBody)
        commit(&record)
        // Same protocol: the upstream's own error document is already in the client's protocol.
        let headers: HTTPFields = [HTTPResponses.requestID: record.id]
        return .done(.response(HTTPResponses.json(clientBody, status: response.status, headers: headers)))
    }

    /// A served request: cost, the target's success sample, its cooldown cleared, the conversation remembered.
    /// `at` is when the answer was ready (bookkeeping may run after it was written); the sample is dated then, so a
    /// cooldown that a later failure set in between stands.
    func succeeded(record: inout RequestRecord, context: AttemptContext, at: ContinuousClock.Instant = .now) {
        let target = context.plan.candidate.target
        let sample = PerformanceSample(
            at: RoutingState.wallClock(at), ttftMs: record.row.ttftMs,
            tokensPerSecond: record.row.outputTokensPerSecond,
            durationMs: RequestRecord.milliseconds(at - context.started),
            outputTokens: (record.row.tokens.output ?? 0) + (record.row.tokens.reasoning ?? 0), success: true)
        if routing.succeeded(target, sample: sample, conversation: context.conversation), events.hasSubscribers {
            events.publish(.cleared(target))
        }
    }
}
