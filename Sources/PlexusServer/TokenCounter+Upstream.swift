import NIOCore
import PlexusCore
import PlexusRouting
import PlexusUpstream

extension TokenCounter {
    /// How one counting call ended.
    enum Outcome {
        case counted(Int)
        /// The target failed; the next one may count.
        case failed(AttemptFailure)
        /// The request is at fault (a 4xx that is not retryable): no target would do better.
        case refused(PlexusError)
    }

    /// One target's counting call.
    func ask(_ candidate: Candidate, request: IR.Request, client: APIProtocol, snapshot: GatewayState) async -> Outcome
    {
        guard let proto = Self.countingProtocol(candidate, client: client) else {
            return .failed(AttemptFailure(other: PlexusError(.unavailable, "the target cannot count tokens")))
        }
        let provider = candidate.provider
        let model = candidate.target.model
        let body: [UInt8]
        do {
            guard let encoded = try TokenCountRequest.encode(request, to: proto, upstreamModel: model) else {
                return .failed(AttemptFailure(other: PlexusError(.unavailable, "the target cannot count tokens")))
            }
            body = encoded
        } catch {
            return .failed(AttemptFailure(other: error))
        }
        let endpoint = Endpoint(
            baseURL: provider.baseURLs[proto] ?? "", apiKey: provider.apiKey,
            extraHeaders: provider.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        guard let url = endpoint.countTokensURL(for: proto, model: model) else {
            return .failed(AttemptFailure(other: PlexusError(.unavailable, "the target cannot count tokens")))
        }
        let target = UpstreamTarget(url: url, headers: endpoint.headers(for: proto), proxy: provider.proxy)
        let timeouts = UpstreamTimeouts(firstEvent: snapshot.firstByteTimeout, idle: .seconds(provider.timeoutSeconds))
        do {
            let response = try await engine.transports.transport(mock: candidate.isMock)
                .send(UpstreamRequest(target: target, body: ByteBuffer(bytes: body)), timeouts: timeouts)
            let answer = Array(try await response.collect(upTo: 1 << 20).readableBytesView)
            return outcome(
                status: response.status, body: answer, proto: proto, provider: provider.name,
                retryAfter: response.header("retry-after"), snapshot: snapshot)
        } catch {
            return .failed(AttemptFailure(transport: error, provider: provider.name))
        }
    }

    private func outcome(
        status: Int, body: [UInt8], proto: APIProtocol, provider: String, retryAfter: String?, snapshot: GatewayState
    ) -> Outcome {
        if status == 200 {
            guard let tokens = TokenCountRequest.count(in: body, from: proto) else {
                return .failed(AttemptFailure(other: PlexusError(.upstream, "\(provider): no count in the answer")))
            }
            return .counted(tokens)
        }
        var error = Translator.decodeError(status: status, body: body, from: proto)
        error.message = "\(provider): \(error.message)"
        guard snapshot.config.failover.retryableStatusCodes.contains(status) else { return .refused(error) }
        return .failed(
            AttemptFailure(status: status, error: error, retryAfterHeader: retryAfter, now: RoutingState.now()))
    }

    /// A failed counting call cools its target down, as a failed generation would.
    func note(_ failure: AttemptFailure, _ candidate: Candidate, snapshot: GatewayState) {
        guard let reason = failure.reason else { return }
        let sample = PerformanceSample(
            at: RoutingState.now(), ttftMs: nil, tokensPerSecond: nil, durationMs: 0, outputTokens: 0, success: false)
        engine.coolDown(
            candidate.target, reason: reason, status: failure.status, retryAfter: failure.retryAfter,
            config: snapshot.config.cooldown, sample: sample)
    }
}
