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
        let endpoint = plan.endpoint(forwarding: context.forwardedHeaders)
        let upstreamRequest = UpstreamRequest(url: endpoint.url, headers: endpoint.headers, body: ByteBuffer(bytes: plan.body))
        record.trace?.upstreamRequest(url: endpoint.url, headers: endpoint.headers, body: plan.body)
        let response: UpstreamResponse
        do {
            response = try await transports.transport(for: plan.candidate.provider)
                .send(upstreamRequest, firstByteTimeout: context.firstByteTimeout)
        } catch {
            return .retry(AttemptFailure(transport: error, provider: plan.candidate.provider.name))
        }
        if response.status >= 400 {
            return await upstreamError(response, context: context, record: &record)
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
            return .retry(AttemptFailure(
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

    private func relayUnary(
        _ response: UpstreamResponse, context: AttemptContext, record: inout RequestRecord
    ) async -> AttemptResult {
        let plan = context.plan
        let buffer: ByteBuffer
        do {
            buffer = try await response.collect(upTo: 64 << 20)
        } catch {
            return .retry(AttemptFailure(transport: error, provider: plan.candidate.provider.name))
        }
        let upstreamBytes = Array(buffer.readableBytesView)
        record.trace?.upstreamResponse(status: response.status, headers: response.headers, body: upstreamBytes)
        var observer = UsageObserver(proto: plan.targetProtocol)
        let clientBytes: [UInt8]
        /// The upstream's own buffer when its bytes go out unchanged (no second copy into a new buffer).
        var forwarded: ByteBuffer?
        var decoded: Result<IR.Response, PlexusError>?
        if plan.passthrough, record.trace == nil,
           let summary = Translator.summary(ofResponse: upstreamBytes, from: plan.targetProtocol) {
            // Forwarded as is: only usage and stop reason are read.
            observer.observe(summary)
            clientBytes = upstreamBytes
            forwarded = buffer
        } else {
            // Decoded once: for the usage row and, when translating, for the client's body.
            let result = Result { () throws(PlexusError) in
                try Translator.decodeResponse(upstreamBytes, from: plan.targetProtocol)
            }
            if case .success(let response) = result { observer.observe(response) }
            do {
                clientBytes = try plan.clientBody(
                    upstreamBytes: upstreamBytes, decoded: result, clientModel: context.inbound.model)
            } catch {
                return .retry(AttemptFailure(other: error))
            }
            decoded = result
        }
        record.markContent(at: .now, sentAt: context.started)
        record.row.tokens = observer.tokens
        record.row.stopReason = observer.stopReason
        record.addAttempt(plan, status: 200, error: nil, since: context.started)
        record.finish(outcome: .success, httpStatus: 200)
        succeeded(record: &record, context: context)
        if let trace = record.trace {
            trace.clientResponse(status: 200, body: clientBytes)
            trace.finalMessage(try? decoded?.get(), clientProtocol: plan.clientProtocol, clientModel: context.inbound.model)
        }
        commit(&record)
        return .done(.json(RoutedJSON(
            requestID: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough, body: forwarded ?? ByteBuffer(bytes: clientBytes))))
    }

    /// A served request: cost, the target's success sample, its cooldown cleared, the conversation remembered.
    func succeeded(record: inout RequestRecord, context: AttemptContext) {
        let target = context.plan.candidate.target
        let sample = PerformanceSample(
            at: RoutingState.now(), ttftMs: record.row.ttftMs, tokensPerSecond: record.row.outputTokensPerSecond,
            durationMs: RequestRecord.milliseconds(.now - context.started),
            outputTokens: (record.row.tokens.output ?? 0) + (record.row.tokens.reasoning ?? 0), success: true)
        if routing.succeeded(target, sample: sample, conversation: context.conversation), events.hasSubscribers {
            events.publish(.cooldownCleared(["provider": .string(target.provider), "model": .string(target.model)]))
        }
    }
}
