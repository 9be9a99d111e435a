import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore

/// Builders for the gateway's responses; every error is rendered here, in the client's protocol.
enum HTTPResponses {
    static let requestID = HTTPField.Name("x-request-id")!
    static let plexusProvider = HTTPField.Name("x-plexus-provider")!
    static let plexusModel = HTTPField.Name("x-plexus-model")!
    static let plexusAPI = HTTPField.Name("x-plexus-api")!
    static let plexusPassthrough = HTTPField.Name("x-plexus-passthrough")!
    static let retryAfter = HTTPField.Name("retry-after")!
    /// Marks token counts that are the gateway's estimate (count_tokens without an upstream count, embeddings usage).
    static let tokenEstimate = HTTPField.Name("x-plexus-token-estimate")!

    static func json(_ bytes: [UInt8], status: Int, headers: HTTPFields = [:]) -> Response {
        json(ByteBuffer(bytes: bytes), status: status, headers: headers)
    }

    /// Fields are appended, not set: the subscript setter scans every field for the name on each set.
    static func json(_ body: ByteBuffer, status: Int, headers: HTTPFields = [:]) -> Response {
        var h = headers
        if h.contains(.contentType) || h.contains(.contentLength) {
            h[.contentType] = "application/json"
        } else {
            // With the length: Response.init would otherwise set it through the subscript.
            h.append(contentsOf: [
                HTTPField(name: .contentType, value: "application/json"),
                HTTPField(name: .contentLength, value: String(body.readableBytes)),
            ])
        }
        return Response(
            status: HTTPResponse.Status(code: status), headers: h, body: ResponseBody(byteBuffer: body))
    }

    static func error(_ error: PlexusError, for proto: APIProtocol, requestID id: String) -> Response {
        json(error.body(for: proto), status: error.httpStatus, headers: [requestID: id])
    }

    /// Headers that say where a request went (API.md).
    static func routing(id: String, provider: String, model: String, api: APIProtocol, passthrough: Bool) -> HTTPFields
    {
        // A literal: one non-generic init (each `append` is a generic call of about 1k instructions).
        passthrough
            ? [
                requestID: id, plexusProvider: provider, plexusModel: model, plexusAPI: api.rawValue,
                plexusPassthrough: "true",
            ]
            : [requestID: id, plexusProvider: provider, plexusModel: model, plexusAPI: api.rawValue]
    }
}
