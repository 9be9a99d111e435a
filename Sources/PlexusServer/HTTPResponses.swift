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

    static func json(_ bytes: [UInt8], status: Int, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: h, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: PlexusError, for proto: APIProtocol, requestID id: String) -> Response {
        var h = HTTPFields()
        h[requestID] = id
        return json(error.body(for: proto), status: error.httpStatus, headers: h)
    }

    /// Headers that say where a request went (API.md).
    static func routing(id: String, provider: String, model: String, api: APIProtocol, passthrough: Bool) -> HTTPFields {
        var h = HTTPFields()
        h[requestID] = id
        h[plexusProvider] = provider
        h[plexusModel] = model
        h[plexusAPI] = api.rawValue
        if passthrough { h[plexusPassthrough] = "true" }
        return h
    }
}
