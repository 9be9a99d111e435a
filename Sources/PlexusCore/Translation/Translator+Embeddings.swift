/// The wire form of an embeddings call, on either side of the gateway.
public enum EmbeddingsCall: String, Sendable, Hashable, CaseIterable {
    /// OpenAI `POST /v1/embeddings`, and an OpenAI-shaped upstream's `{base}/embeddings`.
    case openAI = "embeddings"
    /// Gemini `models/M:embedContent`: one content, one vector.
    case geminiEmbedContent = "embedContent"
    /// Gemini `models/M:batchEmbedContents`: a list of requests, a vector each; the form Gemini upstreams get.
    case geminiBatch = "batchEmbedContents"

    /// The protocol this form belongs to (the usage row's client or target API).
    public var apiProtocol: APIProtocol { self == .openAI ? .embeddings : .gemini }

    /// The form an upstream speaking `proto` is called in; nil for a protocol that cannot embed.
    public static func upstream(_ proto: APIProtocol) -> EmbeddingsCall? {
        switch proto {
        case .embeddings: .openAI
        case .gemini: .geminiBatch
        case .chat, .messages, .responses: nil
        }
    }
}

extension Translator {
    /// Decodes a client's embeddings body; `model` is the requested name (Gemini's path model).
    public static func decodeEmbeddingsRequest(
        _ body: [UInt8], as call: EmbeddingsCall, model: String
    ) throws(PlexusError) -> IR.EmbeddingsRequest {
        switch call {
        case .openAI: try OpenAI.EmbeddingsRequest(parsing: body).ir
        case .geminiEmbedContent: try Gemini.EmbedContentRequest(parsing: body).ir(model: model)
        case .geminiBatch: try Gemini.BatchEmbedContentsRequest(parsing: body).ir(model: model)
        }
    }

    /// Encodes an upstream body; throws a 400 naming an input or option the target cannot take.
    public static func encodeEmbeddingsRequest(
        _ request: IR.EmbeddingsRequest, as call: EmbeddingsCall, upstreamModel: String
    ) throws(PlexusError) -> [UInt8] {
        switch call {
        case .openAI:
            return try OpenAI.EmbeddingsRequest(request, model: upstreamModel).json.serialized()
        case .geminiBatch:
            return try Gemini.BatchEmbedContentsRequest(request, model: upstreamModel).json.serialized()
        case .geminiEmbedContent:
            guard request.inputs.count == 1, let input = request.inputs.first else {
                throw .invalid("embedContent takes exactly one content; use batchEmbedContents", param: "content")
            }
            var single = try Gemini.EmbedContentRequest(input, model: "models/" + upstreamModel)
            single.model = nil  // the path names it
            return single.json.serialized()
        }
    }

    /// Decodes an upstream's answer (HTTP 200).
    public static func decodeEmbeddings(_ body: [UInt8], as call: EmbeddingsCall) throws(PlexusError) -> IR.Embeddings {
        switch call {
        case .openAI: try OpenAI.EmbeddingsResponse(parsing: body).ir
        case .geminiBatch: try Gemini.BatchEmbedContentsResponse(parsing: body).ir
        case .geminiEmbedContent: IR.Embeddings(vectors: [try Gemini.EmbedContentResponse(parsing: body).vector])
        }
    }

    /// Encodes the answer for a client of `call`. OpenAI clients get `usage` from `embeddings.promptTokens`
    /// (the caller puts an estimate there when the upstream reported none); Gemini's answers have no usage.
    public static func encodeEmbeddings(
        _ embeddings: IR.Embeddings, as call: EmbeddingsCall, encoding: IR.EmbeddingEncoding, clientModel: String
    ) -> [UInt8] {
        switch call {
        case .openAI:
            OpenAI.EmbeddingsResponse(
                vectors: embeddings.vectors, model: clientModel, promptTokens: embeddings.promptTokens
            )
            .serialized(encoding: encoding)
        case .geminiBatch:
            Gemini.BatchEmbedContentsResponse(vectors: embeddings.vectors).serialized()
        case .geminiEmbedContent:
            Gemini.EmbedContentResponse(vector: embeddings.vectors.first ?? []).serialized()
        }
    }

    /// The prompt tokens an upstream's answer reports, read without building its vectors (a passthrough forwards
    /// the bytes as they are). Nil when it reports none, or the body does not parse.
    public static func embeddingsPromptTokens(ofResponse body: [UInt8], as call: EmbeddingsCall) -> Int? {
        let keep: JSONPickMembers = call == .openAI ? Self.openAIUsage : Self.geminiUsage
        let answer = body.withUnsafeBufferPointer { try? JSONValue(parsing: $0, pick: .members(keep)) }
        guard let answer else { return nil }
        return call == .openAI
            ? OpenAI.embeddingsPromptTokens(answer["usage"]) : Gemini.BatchEmbedContentsResponse.promptTokens(answer)
    }

    private static let openAIUsage = JSONPickMembers(["usage"])
    private static let geminiUsage = JSONPickMembers(["usageMetadata", "usage_metadata"])
}
