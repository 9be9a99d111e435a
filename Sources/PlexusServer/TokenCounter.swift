import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusUpstream

/// `POST /v1/messages/count_tokens` and Gemini `:countTokens`: the model is resolved as for generation, and the
/// first target that speaks Anthropic or Gemini counts with its own endpoint (the request translated as needed;
/// a failure fails over and cools the target down like any attempt). Only when no target can count is the answer
/// an estimate, flagged by `x-plexus-token-estimate: true`.
struct TokenCounter {
    let engine: ProxyEngine
    static let estimateHeader = HTTPField.Name("x-plexus-token-estimate")!

    /// What answered: the count and the target that counted it (nil for an estimate).
    struct Count {
        var tokens: Int
        var candidate: Candidate?
    }

    func response(_ call: ClientCall, proto: APIProtocol, pathModel: String?) async -> Response {
        let snapshot = engine.state.current
        let id = ProxyEngine.newRequestID()
        do {
            let count = try await self.count(call, proto: proto, pathModel: pathModel, snapshot: snapshot)
            var h = HTTPFields()
            h[HTTPResponses.requestID] = id
            if let candidate = count.candidate {
                h[HTTPResponses.plexusProvider] = candidate.provider.name
                h[HTTPResponses.plexusModel] = candidate.target.model
            } else {
                h[Self.estimateHeader] = "true"
            }
            return HTTPResponses.json(TokenCountRequest.answer(count.tokens, for: proto), status: 200, headers: h)
        } catch {
            return HTTPResponses.error(error, for: proto, requestID: id)
        }
    }

    private func count(
        _ call: ClientCall, proto: APIProtocol, pathModel: String?, snapshot: GatewayState
    ) async throws(PlexusError) -> Count {
        // A `SECRET:label` token works here too; no usage row is written, so the label goes unused.
        guard let secret = ClientCredentials.secret(from: call),
            let key = snapshot.keys.key(forToken: secret, now: Date())?.key
        else { throw PlexusError(.authentication, "missing or invalid API key") }
        let buffer = try await call.collectBody(upTo: snapshot.config.server.maxBodyBytes)
        let body = Array(buffer.readableBytesView)
        guard case .object(let json)? = try? JSONValue(parsing: body) else {
            throw PlexusError(.invalidRequest, "the body must be a JSON object")
        }
        guard let name = pathModel ?? json["model"]?.stringValue, !name.isEmpty else {
            throw PlexusError(.invalidRequest, "'model' is required.", param: "model")
        }
        let candidates = try self.candidates(name, key: key, snapshot: snapshot)
        let request = try TokenCountRequest.decode(body, from: proto, model: name)
        let counting = candidates.filter { Self.countingProtocol($0, client: proto) != nil }
        guard !counting.isEmpty else { return Count(tokens: max(1, body.count / 4), candidate: nil) }
        var lastError = PlexusError(.unavailable, "no target could count tokens for '\(name)'")
        // Cooling targets wait, unless every counting target is cooling.
        let now = RoutingState.now()
        let ready = counting.filter { !engine.routing.isCooling($0.target, now: now) }
        for candidate in ready.isEmpty ? counting : ready {
            switch await ask(candidate, request: request, client: proto, snapshot: snapshot) {
            case .counted(let tokens): return Count(tokens: tokens, candidate: candidate)
            case .failed(let failure):
                lastError = failure.error
                note(failure, candidate, snapshot: snapshot)
            case .refused(let error): throw error
            }
        }
        throw lastError
    }

    /// The model's candidates in file order, its fallback aliases' after them.
    private func candidates(_ name: String, key: KeyConfig, snapshot: GatewayState) throws(PlexusError) -> [Candidate] {
        let groups: [CandidateGroup]
        switch snapshot.resolver.resolve(name: name, key: key) {
        case .alias(let alias): groups = snapshot.candidateGroups(for: alias)
        case .pattern(let alias, let requested): groups = snapshot.candidateGroups(for: alias, requested: requested)
        case .direct(let provider, let model):
            groups = [CandidateGroup(alias: nil, candidates: [Candidate(provider: provider, model: model)])]
        case .notFound(let allowed), .notAllowed(let allowed):
            throw PlexusError(
                .notFound, "model '\(name)' not found; this key may use: \(allowed.joined(separator: ", "))",
                param: "model")
        }
        return groups.flatMap(\.candidates)
    }

    /// The protocol a target counts in: the client's own when the target speaks it, else Anthropic, else Gemini.
    static func countingProtocol(_ candidate: Candidate, client: APIProtocol) -> APIProtocol? {
        if client != .chat, candidate.protocols.contains(client) { return client }
        return [APIProtocol.messages, .gemini].first { candidate.protocols.contains($0) }
    }
}
