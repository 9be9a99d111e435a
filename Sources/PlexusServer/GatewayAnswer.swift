import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusHTTP
import PlexusUpstream

/// What the inference path answers: a routed unary JSON body, which the connection loop writes in one piece with
/// its head encoded directly, or a Hummingbird response (streams, errors, everything the router serves).
enum GatewayAnswer: Sendable {
    /// `then` is the request's bookkeeping: its row stored before the answer is written, the rest after (see
    /// `UnaryBookkeeping`).
    case json(RoutedJSON, then: UnaryBookkeeping?)
    case response(Response)

    /// As a Hummingbird response, for the routes the router serves (the bookkeeping done first).
    consuming func routerResponse() -> Response {
        switch self {
        case .json(let json, let then):
            if let then { then.run() }
            return json.response
        case .response(let response):
            return response
        }
    }
}

/// A successful unary answer and where its request went (the routing headers of API.md).
struct RoutedJSON: Sendable {
    let requestID: String
    let provider: String
    let model: String
    let api: APIProtocol
    let passthrough: Bool
    let body: ByteBuffer
    /// The fields after `x-request-id`, encoded once per target (`RoutedJSON.fields`); nil encodes them here.
    let fixedFields: RoutingFields?
    /// The answer's token counts are the gateway's estimate (`x-plexus-token-estimate: true`).
    var tokenEstimate = false
    /// More fields for this answer alone (a limited key's `x-plexus-limit-*`).
    var extraFields: [HTTPField] = []

    var response: Response {
        var headers = HTTPResponses.routing(
            id: requestID, provider: provider, model: model, api: api, passthrough: passthrough)
        if tokenEstimate { headers[HTTPResponses.tokenEstimate] = "true" }
        headers.append(contentsOf: extraFields)
        return HTTPResponses.json(body, status: 200, headers: headers)
    }

    /// The same head as `response`, as bytes (`HTTPFields` validated and indexed every field: about 15k
    /// instructions per answer between building and encoding them).
    var encoded: EncodedAnswer {
        let fixed = fixedFields ?? Self.fields(provider: provider, model: model, api: api, passthrough: passthrough)
        let extra = extraFields.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        let size = 64 + requestID.utf8.count + fixed.bytes.count + extra
        let fields = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var w = RawByteWriter(UnsafeMutableRawBufferPointer(buffer))
            w.writeField("x-request-id: ", requestID)
            fixed.bytes.withUnsafeBytes { w.write($0) }
            if tokenEstimate { w.write("x-plexus-token-estimate: true\r\n") }
            for field in extraFields {
                // Names and values were validated by `HTTPField`.
                w.write(utf8: field.name.rawName)
                w.write(": ")
                w.write(utf8: field.value)
                w.write("\r\n")
            }
            initialized = w.count
        }
        return EncodedAnswer(status: .ok, fields: fields, body: body)
    }

    /// The routing fields after `x-request-id`, and the content type, as bytes.
    static func fields(provider: String, model: String, api: APIProtocol, passthrough: Bool) -> RoutingFields {
        let size = 160 + provider.utf8.count + model.utf8.count + api.rawValue.utf8.count
        return RoutingFields(
            bytes: [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var w = RawByteWriter(UnsafeMutableRawBufferPointer(buffer))
                w.writeField("x-plexus-provider: ", provider)
                w.writeField("x-plexus-model: ", model)
                w.writeField("x-plexus-api: ", api.rawValue)
                if passthrough { w.write("x-plexus-passthrough: true\r\n") }
                w.write("content-type: application/json\r\n")
                initialized = w.count
            })
    }
}

/// Routing fields of a unary answer that are the same for every answer from one target (kept per candidate).
final class RoutingFields: Sendable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }
}
