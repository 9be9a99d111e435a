import HTTPTypes
import NIOCore
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
    /// The upstream request's body.
    let body: ByteBuffer
    /// Set for an embeddings call: the client's and the upstream's forms.
    let embeddings: EmbeddingsPlan?
    /// The config snapshot's memo of what is worked out once per candidate.
    let memo: AttemptMemo

    /// No translation: the same protocol (for embeddings, the same call form) on both sides.
    var passthrough: Bool { embeddings.map { $0.client == $0.upstream } ?? (clientProtocol == targetProtocol) }

    init(
        inbound: InboundRequest, clientProtocol: APIProtocol, candidate: Candidate, memo: AttemptMemo
    ) throws(PlexusError) {
        self.candidate = candidate
        self.memo = memo
        self.clientProtocol = clientProtocol
        stream = inbound.stream
        if let call = inbound.embeddings {
            let plan = try EmbeddingsPlan(call, inbound: inbound, candidate: candidate)
            targetProtocol = plan.upstream.apiProtocol
            body = plan.body
            embeddings = plan
            return
        }
        embeddings = nil
        let available = candidate.protocols
        guard let target = ProtocolChoice.choose(client: clientProtocol, available: available) else {
            throw PlexusError(.unavailable, "provider '\(candidate.provider.name)' has no protocol configured")
        }
        targetProtocol = target
        if target == clientProtocol {
            body = inbound.passthroughBody(
                proto: target, upstreamModel: candidate.target.model, extraBody: candidate.provider.extraBody)
        } else {
            body = ByteBuffer(
                bytes: try Self.translatedBody(
                    inbound, from: clientProtocol, to: target, model: candidate.target.model,
                    extraBody: candidate.provider.extraBody))
        }
    }

    /// The routing fields of this attempt's unary answers, encoded once per candidate, protocol and passthrough.
    var routingFields: RoutingFields {
        memo.fields.value(for: candidate, slot: CandidateSlot.routingFields(targetProtocol, passthrough: passthrough)) {
            RoutedJSON.fields(
                provider: candidate.provider.name, model: candidate.target.model, api: targetProtocol,
                passthrough: passthrough)
        }
    }

    /// URL and headers for this attempt, checked and encoded; `forwarding` are client headers the target's
    /// protocol may take. Without any that apply, they are the same for every request to this candidate in this
    /// protocol and mode, so they are worked out once per candidate (`AttemptMemo`).
    func upstreamTarget(forwarding: [(String, String)]) -> UpstreamTarget {
        if embeddings != nil {
            return memo.targets.value(for: candidate, slot: CandidateSlot.embeddingsTarget(targetProtocol)) {
                makeTarget(forwarding: [])
            }
        }
        guard forwarding.isEmpty || targetProtocol != .messages else { return makeTarget(forwarding: forwarding) }
        return memo.targets.value(for: candidate, slot: CandidateSlot.upstreamTarget(targetProtocol, stream: stream)) {
            makeTarget(forwarding: [])
        }
    }

    private func makeTarget(forwarding: [(String, String)]) -> UpstreamTarget {
        let provider = candidate.provider
        let endpoint = Endpoint(
            baseURL: candidate.baseURLs[targetProtocol] ?? "", apiKey: provider.apiKey,
            extraHeaders: provider.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let model = candidate.target.model
        let url =
            embeddings != nil
            ? endpoint.embeddingsURL(for: targetProtocol, model: model)
            : endpoint.url(for: targetProtocol, model: model, stream: stream)
        return UpstreamTarget(
            url: url, headers: endpoint.headers(for: targetProtocol, passing: forwarding),
            proxy: provider.proxy)
    }
}

/// Where the server keeps its per-candidate values (`Candidate.memoized`): two per protocol for each kind, the
/// upstream targets first, then the routing fields; then the embeddings targets, one per protocol.
/// The memos of one config snapshot (`GatewayState.memo`).
struct AttemptMemo: Sendable {
    let targets = CandidateMemo<UpstreamTarget>()
    let fields = CandidateMemo<RoutingFields>()
}

enum CandidateSlot {
    static func upstreamTarget(_ proto: APIProtocol, stream: Bool) -> Int { index(proto) * 2 + (stream ? 1 : 0) }

    static func routingFields(_ proto: APIProtocol, passthrough: Bool) -> Int {
        perKind + index(proto) * 2 + (passthrough ? 1 : 0)
    }

    /// Gemini embeds at another method than it generates, so embeddings targets have slots of their own.
    static func embeddingsTarget(_ proto: APIProtocol) -> Int { 2 * perKind + index(proto) }

    private static let perKind = 2 * APIProtocol.allCases.count

    private static func index(_ proto: APIProtocol) -> Int {
        switch proto {
        case .chat: 0
        case .messages: 1
        case .gemini: 2
        case .embeddings: 3
        case .responses: 4
        }
    }
}
