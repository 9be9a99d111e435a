import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage
import PlexusUpstream

/// The inference path: authenticate, resolve the alias, try candidates until one starts well, relay, log usage.
final class ProxyEngine: Sendable {
    let state: GatewayStateBox
    let transports: Transports
    let usage: UsageWriter
    let routing: RoutingState
    let events: EventHub
    let capture: CaptureSettings
    let metrics: GatewayMetrics
    let inFlight: InFlightTable
    let responses: StoredResponses
    let ledger: any LimitLedger
    let logger: Logger

    init(
        state: GatewayStateBox, transports: Transports, usage: UsageWriter, routing: RoutingState, events: EventHub,
        capture: CaptureSettings, metrics: GatewayMetrics, inFlight: InFlightTable, responses: StoredResponses,
        ledger: any LimitLedger, logger: Logger
    ) {
        self.ledger = ledger
        self.inFlight = inFlight
        self.responses = responses
        self.state = state
        self.routing = routing
        self.events = events
        self.capture = capture
        self.metrics = metrics
        self.transports = transports
        self.usage = usage
        self.logger = logger
    }

    /// Handles one inference request in `proto`; every path through here records exactly one usage row.
    /// `embeddings` names the call form of an embeddings request (unary; `proto` is its client protocol).
    func handle(
        _ call: ClientCall, proto: APIProtocol, pathModel: String? = nil, pathStream: Bool? = nil,
        geminiArray: Bool = false, embeddings: EmbeddingsCall? = nil
    ) async -> GatewayAnswer {
        var record = RequestRecord(id: Self.newRequestID(), clientProtocol: proto)
        if embeddings != nil { record.row.kind = .embeddings }
        let snapshot = state.current
        metrics.started()
        do {
            let client = try authenticate(call, snapshot: snapshot)
            let key = client.key
            record.row.keyName = key.name
            record.row.attribution = client.attribution
            var bytes = Array(try await call.collectBody(upTo: snapshot.config.server.maxBodyBytes).readableBytesView)
            var turn: ResponsesTurn?
            if proto == .responses {
                (turn, bytes) = try await ResponsesTurn.prepare(
                    bytes, requestID: record.id, keyName: key.name, responses: responses)
            }
            var inbound = try Self.inbound(
                bytes, proto: proto, pathModel: pathModel, pathStream: pathStream,
                embeddings: embeddings)
            inbound.responsesTurn = turn
            inbound.geminiJSONArray = geminiArray
            record.row.streamed = inbound.stream
            let groups = try resolve(
                inbound.model, kind: record.row.kind, key: key, snapshot: snapshot, record: &record)
            record.clientBody = inbound.bytes
            if capture.captures(
                key: key.name, alias: record.row.alias, provider: groups.first?.candidates.first?.provider.name)
            {
                let trace = TraceCapture()
                trace.clientRequest(headers: call.headerFields, body: inbound.bytes)
                record.trace = trace
            }
            if let limits = key.limits, let refusal = await admit(key, limits: limits, proto: proto, record: &record) {
                return .response(refusal)
            }
            let entry = record.inFlightEntry
            inFlight.add(entry)
            if events.hasSubscribers { events.publish(.requestStarted(entry.json)) }
            // Sticky sessions only matter where there is a choice of target.
            let choice = groups.reduce(0) { $0 + $1.candidates.count } > 1
            let conversation =
                snapshot.config.routing.stickySessions && choice ? inbound.conversationKey(proto: proto) : nil
            let candidates = order(
                groups, inbound: inbound, proto: proto, conversation: conversation, snapshot: snapshot)
            // A client that leaves cancels this task (`GatewayHTTP1Channel`), and so the upstream call.
            let forwarded = call.headers(named: Self.anthropicBeta).map { ("anthropic-beta", $0) }
            let admission = record.admission
            let answer = await forward(
                inbound, proto: proto, candidates: candidates, snapshot: snapshot,
                forwardedHeaders: forwarded, conversation: conversation, record: &record)
            guard let admission else { return answer }
            return answer.adding(LimitHeaders.fields(admission.limits, admission.standing))
        } catch {
            return .response(fail(error, proto: proto, record: &record))
        }
    }

    /// The client's body, checked as its protocol's API would.
    private static func inbound(
        _ bytes: [UInt8], proto: APIProtocol, pathModel: String?, pathStream: Bool?, embeddings: EmbeddingsCall?
    ) throws(PlexusError) -> InboundRequest {
        if let embeddings { return try InboundRequest(embeddings: bytes, call: embeddings, pathModel: pathModel) }
        return try InboundRequest(bytes: bytes, proto: proto, pathModel: pathModel, pathStream: pathStream)
    }

    /// A request for a kind its alias's models do not serve.
    private static func wrongKind(_ name: String, _ kind: RequestKind) -> PlexusError {
        let message =
            kind == .embeddings
            ? "model '\(name)' is not an embeddings model (set `type: embeddings` on its models in plexus.yaml)"
            : "model '\(name)' is an embeddings model: call /v1/embeddings or Gemini's :embedContent"
        return PlexusError(.invalidRequest, message, param: "model")
    }

    /// Renders a failure in the client's protocol and writes its usage row.
    func fail(_ error: PlexusError, proto: APIProtocol, record: inout RequestRecord) -> Response {
        record.finish(outcome: .error, httpStatus: error.httpStatus, error: error.message)
        record.trace?.clientResponse(status: error.httpStatus, body: error.body(for: proto))
        commit(&record)
        logger.debug(
            "request failed", metadata: ["request.id": "\(record.id)", "error.kind": "\(error.kind.rawValue)"])
        return HTTPResponses.error(error, for: proto, requestID: record.id)
    }

    /// A new request ID (`RequestID`: time-ordered, unique, no system call).
    static func newRequestID() -> String { RequestID.next() }

    /// The client header passed on to Anthropic upstreams (beta features the client opted into).
    static let anthropicBeta = HTTPField.Name("anthropic-beta")!

    /// What the client's credentials proved.
    private enum Proof {
        case none, invalid
        case refused(PlexusError)
        case identity(ClientIdentity)
    }

    /// The key the client's token proves and the attribution it carries (`ClientIdentity`); the connection's memo
    /// answers for a token it sent before.
    func authenticate(_ call: ClientCall, snapshot: GatewayState) throws(PlexusError) -> ClientIdentity {
        let now = Date()
        let proof = ClientCredentials.withSecret(from: call) { token -> Proof in
            guard let token else { return .none }
            if let known = call.keyMemo?.identity(forToken: token, in: snapshot, now: now) { return .identity(known) }
            do throws(PlexusError) {
                let text = String(decoding: token, as: UTF8.self)
                guard let identity = try ClientIdentity.identify(text, keys: snapshot.keys, now: now) else {
                    return .invalid
                }
                call.keyMemo?.remember(token: token, in: snapshot, identity: identity)
                return .identity(identity)
            } catch {
                return .refused(error)
            }
        }
        switch proof {
        case .identity(let identity):
            return identity
        case .none:
            if snapshot.config.server.allowAnonymous {
                return ClientIdentity(key: KeyConfig(name: "anonymous", secret: ""))
            }
            throw PlexusError(.authentication, "missing API key: send it as 'Authorization: Bearer KEY'")
        case .invalid:
            throw PlexusError(.authentication, "invalid API key")
        case .refused(let error):
            throw error
        }
    }

    /// The candidate groups of `name` that serve `kind` (a listed model serves only its own `type`).
    private func resolve(
        _ name: String, kind: RequestKind, key: KeyConfig, snapshot: GatewayState, record: inout RequestRecord
    ) throws(PlexusError) -> [CandidateGroup] {
        switch snapshot.resolver.resolve(name: name, key: key) {
        case .alias(let alias):
            return try usable(snapshot.candidateGroups(for: alias), of: alias, name: name, kind: kind, record: &record)
        case .pattern(let alias, let requested):
            let groups = snapshot.candidateGroups(for: alias, requested: requested)
            return try usable(groups, of: alias, name: name, kind: kind, record: &record)
        case .direct(let provider, let model):
            record.row.alias = name
            let candidate = Candidate(provider: provider, model: model)
            guard candidate.serves(kind) else { throw Self.wrongKind(name, kind) }
            return [CandidateGroup(alias: nil, candidates: [candidate])]
        case .notFound(let allowed), .notAllowed(let allowed):
            throw PlexusError(
                .notFound, "model '\(name)' not found; this key may use: \(allowed.joined(separator: ", "))",
                param: "model")
        }
    }

    private func usable(
        _ groups: [CandidateGroup], of alias: AliasConfig, name: String, kind: RequestKind, record: inout RequestRecord
    ) throws(PlexusError) -> [CandidateGroup] {
        record.row.alias = alias.name
        guard groups.contains(where: { !$0.candidates.isEmpty }) else {
            throw PlexusError(.unavailable, "model '\(name)' has no enabled target")
        }
        let served = CandidateGroup.serving(kind, groups)
        guard served.contains(where: { !$0.candidates.isEmpty }) else { throw Self.wrongKind(name, kind) }
        return served
    }
}
