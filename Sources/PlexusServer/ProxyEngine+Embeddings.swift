import NIOCore
import PlexusCore
import PlexusStorage
import PlexusUpstream

extension ProxyEngine {
    /// An embeddings answer: forwarded as is when the call form is the same on both sides, else decoded and
    /// encoded in the client's form. The input tokens are the upstream's, or an estimate the row and the
    /// `x-plexus-token-estimate` header say is one (Gemini reports none for embeddings).
    func relayEmbeddings(
        _ response: UpstreamResponse, context: AttemptContext, record: inout RequestRecord
    ) async -> AttemptResult {
        let plan = context.plan
        guard let embeddings = plan.embeddings else { return .retry(AttemptFailure(other: Self.notEmbeddings)) }
        let upstreamBytes: [UInt8]
        do {
            upstreamBytes = Array(try await response.collect(upTo: 256 << 20).readableBytesView)
        } catch {
            return .retry(AttemptFailure(transport: error, provider: plan.candidate.provider.name))
        }
        let readyAt = ContinuousClock.now
        record.markContent(at: readyAt, sentAt: context.started)
        record.trace?.upstreamResponse(status: response.status, headers: response.headers, body: upstreamBytes)
        let answer: (body: [UInt8], promptTokens: Int?)
        do {
            answer = try Self.clientEmbeddings(
                upstreamBytes, plan: embeddings, passthrough: plan.passthrough,
                clientModel: context.inbound.model)
        } catch {
            return .retry(AttemptFailure(other: error))
        }
        record.row.tokens = UsageRecord.Tokens(
            input: answer.promptTokens ?? embeddings.request.estimatedTokens, output: 0)
        record.row.tokensEstimated = answer.promptTokens == nil
        var routed = RoutedJSON(
            requestID: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough, body: ByteBuffer(bytes: answer.body),
            fixedFields: plan.routingFields)
        routed.tokenEstimate = record.row.tokensEstimated
        guard let trace = record.trace else {
            return .done(
                .json(
                    routed,
                    then: UnaryBookkeeping(
                        engine: self, record: record, context: context, forwarded: nil, readyAt: .now)))
        }
        UnaryBookkeeping.complete(&record, context: context, at: .now, engine: self)
        trace.clientResponse(status: 200, body: answer.body)
        commit(&record)
        return .done(.json(routed, then: nil))
    }

    /// The client's body and the upstream's own token count (nil when it gave none). A translated answer must
    /// hold one vector per input, or it is the upstream's error (and the next target is tried).
    static func clientEmbeddings(
        _ upstreamBytes: [UInt8], plan: EmbeddingsPlan, passthrough: Bool, clientModel: String
    ) throws(PlexusError) -> (body: [UInt8], promptTokens: Int?) {
        if passthrough {
            return (upstreamBytes, Translator.embeddingsPromptTokens(ofResponse: upstreamBytes, as: plan.upstream))
        }
        var decoded = try Translator.decodeEmbeddings(upstreamBytes, as: plan.upstream)
        let expected = plan.request.inputs.count
        guard decoded.vectors.count == expected else {
            throw PlexusError(
                .upstream, "the upstream answered \(decoded.vectors.count) vectors for \(expected) inputs")
        }
        let upstreamTokens = decoded.promptTokens
        decoded.promptTokens = upstreamTokens ?? plan.request.estimatedTokens
        let body = Translator.encodeEmbeddings(
            decoded, as: plan.client, encoding: plan.request.encoding, clientModel: clientModel)
        return (body, upstreamTokens)
    }

    private static let notEmbeddings = PlexusError(.internal, "an embeddings relay for a chat attempt")
}
