import PlexusCore

extension AttemptPlan {
    /// Encodes the client's request for a target that speaks another protocol (decode to IR, encode out).
    static func translatedBody(
        _ inbound: InboundRequest, from client: APIProtocol, to target: APIProtocol, model: String,
        extraBody: JSONObject
    ) throws(PlexusError) -> [UInt8] {
        var request = try Translator.decodeRequest(inbound.bytes, from: client, model: inbound.model)
        request.stream = inbound.stream
        return merging(extraBody, into: try Translator.encodeRequest(request, to: target, upstreamModel: model))
    }

    /// A translated body with the provider's `extra_body` members set.
    static func merging(_ extraBody: JSONObject, into body: [UInt8]) -> [UInt8] {
        guard !extraBody.isEmpty, case .object(var object) = (try? JSONValue(parsing: body)) ?? .null else {
            return body
        }
        for (k, v) in extraBody.pairs { object[k] = v }
        return JSONValue.object(object).serialized()
    }

    /// The client's body for a unary upstream answer: the upstream's bytes in passthrough, else the decoded
    /// answer encoded in the client's protocol.
    func clientBody(upstreamBytes: [UInt8], decoded: Result<IR.Response, PlexusError>, clientModel: String)
        throws(PlexusError) -> [UInt8]
    {
        if passthrough { return upstreamBytes }
        return Translator.encodeResponse(try decoded.get(), to: clientProtocol, clientModel: clientModel)
    }

    /// An upstream error answer as the gateway's error, mapped from the target protocol's error shape.
    func upstreamError(status: Int, body: [UInt8]) -> PlexusError {
        var error = Translator.decodeError(status: status, body: body, from: targetProtocol)
        error.message = "\(candidate.provider.name): \(error.message)"
        return error
    }
}
