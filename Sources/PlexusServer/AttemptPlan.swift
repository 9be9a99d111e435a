import HTTPTypes
import PlexusCore
import PlexusRouting
import PlexusUpstream

/// How one attempt talks to one candidate: which protocol, which body, how answers come back. A class: the
/// attempt's context, the bookkeeping and the relays share one plan rather than copy it.
final class AttemptPlan: Sendable {
    let candidate: Candidate
    let clientProtocol: APIProtocol
    let targetProtocol: APIProtocol
    let stream: Bool
    let body: [UInt8]

    var passthrough: Bool { clientProtocol == targetProtocol }

    init(inbound: InboundRequest, clientProtocol: APIProtocol, candidate: Candidate) throws(PlexusError) {
        self.candidate = candidate
        self.clientProtocol = clientProtocol
        stream = inbound.stream
        let available = candidate.protocols
        guard let target = ProtocolChoice.choose(client: clientProtocol, available: available) else {
            throw PlexusError(.unavailable, "provider '\(candidate.provider.name)' has no protocol configured")
        }
        targetProtocol = target
        if target == clientProtocol {
            body = inbound.passthroughBody(
                proto: target, upstreamModel: candidate.target.model, extraBody: candidate.provider.extraBody)
        } else {
            body = try Self.translatedBody(inbound, from: clientProtocol, to: target, model: candidate.target.model,
                                           extraBody: candidate.provider.extraBody)
        }
    }

    /// URL and headers for this attempt; `forwarding` are client headers the target's protocol may take.
    func endpoint(forwarding: [(String, String)]) -> (url: String, headers: [(String, String)]) {
        // Field by field: `let provider = candidate.provider` copied the whole provider for every attempt.
        let endpoint = Endpoint(
            baseURL: candidate.provider.baseURLs[targetProtocol] ?? "", apiKey: candidate.provider.apiKey,
            extraHeaders: candidate.provider.headers.isEmpty ? []
                : candidate.provider.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return (endpoint.url(for: targetProtocol, model: candidate.target.model, stream: stream),
                endpoint.headers(for: targetProtocol, passing: forwarding))
    }
}
