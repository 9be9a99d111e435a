import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusUpstream

extension ProxyEngine {
    /// What one attempt at a candidate came to.
    enum AttemptResult {
        case done(Response)
        case retry(PlexusError)
    }

    /// Tries candidates in order until one answers; fails over only before anything reached the client.
    func forward(
        _ inbound: InboundRequest, proto: APIProtocol, candidates: [Candidate], snapshot: GatewayState,
        headers: HTTPFields, record: RequestRecord
    ) async throws(PlexusError) -> Response {
        let failover = snapshot.config.failover
        let limit = failover.enabled ? max(1, failover.maxAttempts) : 1
        var lastError = PlexusError(.unavailable, "no target could serve the request")
        var record = record
        for candidate in candidates.prefix(limit) {
            let plan = try AttemptPlan(inbound: inbound, clientProtocol: proto, candidate: candidate)
            record.row.provider = candidate.provider.name
            record.row.upstreamModel = candidate.target.model
            record.row.targetProtocol = plan.targetProtocol
            record.row.passthrough = plan.passthrough
            switch await attempt(plan, inbound: inbound, snapshot: snapshot, clientHeaders: headers, record: record) {
            case .done(let response):
                return response
            case .retry(let error):
                lastError = error
                logger.debug("attempt failed, trying the next target", metadata: [
                    "request.id": "\(record.id)", "provider.name": "\(candidate.provider.name)",
                    "error.message": "\(error.message)",
                ])
            }
        }
        throw lastError
    }

    private func attempt(
        _ plan: AttemptPlan, inbound: InboundRequest, snapshot: GatewayState, clientHeaders: HTTPFields,
        record: RequestRecord
    ) async -> AttemptResult {
        let endpoint = plan.endpoint(clientHeaders: clientHeaders)
        let upstreamRequest = UpstreamRequest(
            url: endpoint.url, headers: endpoint.headers, body: ByteBuffer(bytes: plan.body))
        let timeout = Duration.seconds(snapshot.config.failover.firstByteTimeoutSeconds)
        let sentAt = ContinuousClock.now
        let response: UpstreamResponse
        do {
            response = try await transports.transport(for: plan.candidate.provider)
                .send(upstreamRequest, firstByteTimeout: timeout)
        } catch {
            return .retry(PlexusError(.upstream, "\(plan.candidate.provider.name): \(error.description)"))
        }
        if response.status >= 400 {
            return await upstreamError(response, plan: plan, snapshot: snapshot, record: record)
        }
        if inbound.stream {
            return await relayStream(response, plan: plan, inbound: inbound, sentAt: sentAt, record: record)
        }
        return await relayUnary(response, plan: plan, clientModel: inbound.model, sentAt: sentAt, record: record)
    }

    private func upstreamError(
        _ response: UpstreamResponse, plan: AttemptPlan, snapshot: GatewayState, record: RequestRecord
    ) async -> AttemptResult {
        let body = (try? await response.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
        let error = plan.upstreamError(status: response.status, body: body)
        if snapshot.config.failover.retryableStatusCodes.contains(response.status) {
            return .retry(error)
        }
        var record = record
        record.finish(outcome: .error, httpStatus: response.status, error: error.message)
        usage.record(record.row)
        // Same protocol: the upstream's own error document is already in the client's protocol.
        if plan.passthrough {
            var h = HTTPFields()
            h[HTTPResponses.requestID] = record.id
            return .done(HTTPResponses.json(body, status: response.status, headers: h))
        }
        return .done(HTTPResponses.error(error, for: plan.clientProtocol, requestID: record.id))
    }

    private func relayUnary(
        _ response: UpstreamResponse, plan: AttemptPlan, clientModel: String, sentAt: ContinuousClock.Instant,
        record: RequestRecord
    ) async -> AttemptResult {
        let buffer: ByteBuffer
        do {
            buffer = try await response.collect(upTo: 64 << 20)
        } catch {
            return .retry(PlexusError(.upstream, "\(plan.candidate.provider.name): \(error.description)"))
        }
        var record = record
        let upstreamBytes = Array(buffer.readableBytesView)
        // Decoded once: for the usage row and, when translating, for the client's body.
        let decoded = Result { () throws(PlexusError) in try Translator.decodeResponse(upstreamBytes, from: plan.targetProtocol) }
        var observer = UsageObserver(proto: plan.targetProtocol)
        if case .success(let response) = decoded { observer.observe(response) }
        let clientBytes: [UInt8]
        do {
            clientBytes = try plan.clientBody(upstreamBytes: upstreamBytes, decoded: decoded, clientModel: clientModel)
        } catch {
            return .retry(error)
        }
        record.markContent(at: .now, sentAt: sentAt)
        record.row.tokens = observer.tokens
        record.row.stopReason = observer.stopReason
        record.finish(outcome: .success, httpStatus: 200)
        usage.record(record.row)
        let headers = HTTPResponses.routing(
            id: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough)
        return .done(HTTPResponses.json(clientBytes, status: 200, headers: headers))
    }
}
