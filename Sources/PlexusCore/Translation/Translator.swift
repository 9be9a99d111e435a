/// The server's entry point for translating requests, responses and errors between protocols.
public enum Translator {
    /// Decodes a client request; `model` is the path model for Gemini (ignored otherwise).
    public static func decodeRequest(_ body: [UInt8], from proto: APIProtocol, model: String?) throws(PlexusError)
        -> IR.Request
    {
        switch proto {
        case .chat: try OpenAI.RequestDecoder.decode(body)
        case .messages: try Anthropic.RequestDecoder.decode(body)
        case .gemini: try Gemini.RequestDecoder.decode(body, model: model)
        case .responses: try Responses.RequestDecoder.decode(body)
        case .embeddings: throw notGenerative
        }
    }

    /// Encodes a request for an upstream; throws `.invalidRequest` naming any field the target cannot express.
    /// OpenAI streams always ask for `stream_options.include_usage`.
    public static func encodeRequest(_ request: IR.Request, to proto: APIProtocol, upstreamModel: String)
        throws(PlexusError) -> [UInt8]
    {
        let o: JSONObject =
            switch proto {
            case .chat: try OpenAI.RequestEncoder.encode(request, model: upstreamModel)
            case .messages: try Anthropic.RequestEncoder.encode(request, model: upstreamModel)
            case .gemini: try Gemini.RequestEncoder.encode(request)
            case .responses: try Responses.RequestEncoder.encode(request, model: upstreamModel)
            case .embeddings: throw notGenerative
            }
        return JSONValue.object(o).serialized()
    }

    /// Decodes an upstream's unary (HTTP 200) response.
    public static func decodeResponse(_ body: [UInt8], from proto: APIProtocol) throws(PlexusError) -> IR.Response {
        switch proto {
        case .chat: try OpenAI.ResponseDecoder.decode(body)
        case .messages: try Anthropic.ResponseDecoder.decode(body)
        case .gemini: try Gemini.ResponseDecoder.decode(body)
        case .responses: try Responses.ResponseDecoder.decode(body)
        case .embeddings: throw notGenerative
        }
    }

    /// Encodes a unary response for a client; `clientModel` is the model name the client asked for. A Responses
    /// client's answer repeats no request parameters here; `Responses.ResponseEncoder.encode(_:model:echo:)` does.
    public static func encodeResponse(_ response: IR.Response, to proto: APIProtocol, clientModel: String) -> [UInt8] {
        let o: JSONObject =
            switch proto {
            // Embeddings calls never take the chat path; OpenAI's is the nearest shape for the exhaustive switch.
            case .chat, .embeddings: OpenAI.ResponseEncoder.encode(response, model: clientModel)
            case .responses: Responses.ResponseEncoder.encode(response, model: clientModel)
            case .messages: Anthropic.ResponseEncoder.encode(response, model: clientModel)
            case .gemini: Gemini.ResponseEncoder.encode(response, model: clientModel)
            }
        return JSONValue.object(o).serialized()
    }

    /// The chat path's answer to the embeddings protocol (the server routes embeddings elsewhere).
    static let notGenerative = PlexusError(.invalidRequest, "The embeddings API does not generate text.")

    /// Maps an upstream error status and body (any protocol's shape) to the gateway's error.
    public static func decodeError(status: Int, body: [UInt8], from proto: APIProtocol) -> PlexusError {
        ErrorCodec.decode(status: status, body: body)
    }
}
