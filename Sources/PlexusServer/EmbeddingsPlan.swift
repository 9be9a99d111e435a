import NIOCore
import PlexusCore
import PlexusRouting

/// An embeddings call as the client sent it: its form and its canonical request (decoded once, for every attempt).
struct EmbeddingsInbound: Sendable {
    let call: EmbeddingsCall
    let request: IR.EmbeddingsRequest
}

/// How one attempt asks one candidate for embeddings: the client's call form, the upstream's, and the body.
struct EmbeddingsPlan: Sendable {
    let client: EmbeddingsCall
    let upstream: EmbeddingsCall
    let request: IR.EmbeddingsRequest
    let body: ByteBuffer

    /// OpenAI to OpenAI-shaped passes the body on with the model replaced; anything else is translated, and a
    /// field the target cannot express is a 400 naming it.
    init(_ call: EmbeddingsInbound, inbound: InboundRequest, candidate: Candidate) throws(PlexusError) {
        let provider = candidate.provider
        guard
            let target = ProtocolChoice.chooseEmbeddings(client: call.call.apiProtocol, available: candidate.protocols),
            let upstream = EmbeddingsCall.upstream(target)
        else {
            throw PlexusError(
                .unavailable, "provider '\(provider.name)' has no URL to embed at (embeddings, chat or gemini)")
        }
        client = call.call
        self.upstream = upstream
        request = call.request
        let model = candidate.target.model
        if client == .openAI, upstream == .openAI {
            body = inbound.passthroughBody(proto: .embeddings, upstreamModel: model, extraBody: provider.extraBody)
        } else {
            let encoded = try Translator.encodeEmbeddingsRequest(request, as: upstream, upstreamModel: model)
            body = ByteBuffer(bytes: AttemptPlan.merging(provider.extraBody, into: encoded))
        }
    }
}
