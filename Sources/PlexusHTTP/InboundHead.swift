import HTTPTypes
import NIOCore

/// A request head as it arrived: the request line parsed and every header line checked, the fields kept as offsets
/// into the head's bytes. `HTTPFields` are built only when something needs them all (the router's routes, a debug
/// trace): building them cost about 2k instructions a field, and API clients send ten or more. A class: the head
/// passes through the connection's queue, the loop, the responder and the call, and a copy is one reference.
package final class InboundHead: Sendable {
    package let method: HTTPRequest.Method
    /// The origin-form target: path and query.
    package let target: String
    /// From the `Host` header.
    package let authority: String?
    /// The connection closes after the answer: `Connection: close`, or HTTP/1.0 without keep-alive.
    package let closeAfter: Bool
    /// The other header fields, as offsets into the head's bytes.
    package let fields: HeaderFields

    package init(method: HTTPRequest.Method, target: String, authority: String?, closeAfter: Bool, fields: HeaderFields)
    {
        self.method = method
        self.target = target
        self.authority = authority
        self.closeAfter = closeAfter
        self.fields = fields
    }

    /// `x-api-key`, Anthropic's key header.
    package static let xAPIKey = HTTPField.Name("x-api-key")!

    /// The target without its query.
    package var path: Substring { Self.path(of: target) }

    /// `target` without its query.
    package static func path(of target: String) -> Substring {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<q]
    }

    /// The value of the field `name`; repeated fields joined with ", " (as `HTTPFields` does).
    package func value(of name: HTTPField.Name) -> String? { fields.value(lowercase: name.canonicalName) }

    /// Every value of the field `name`, in order.
    package func values(of name: HTTPField.Name) -> [String] { fields.values(lowercase: name.canonicalName) }

    /// The fields as `HTTPFields` (with `Connection: close` when the connection closes after the answer).
    package var headerFields: HTTPFields {
        var made: [HTTPField] = []
        // swift-format-ignore: ReplaceForEachWithForLoop
        // `HeaderFields.forEach` walks offsets into the head's bytes; it is not a Sequence.
        fields.forEach { name, value in
            // Checked as a token when the head was read, so the name is valid.
            guard let fieldName = Self.knownName(name) ?? HTTPField.Name(String(decoding: name, as: UTF8.self))
            else { return }
            made.append(Self.field(fieldName, value))
        }
        var result = HTTPFields(made)
        if closeAfter { result[.connection] = "close" }
        return result
    }

    /// The head as an `HTTPRequest`.
    package var request: HTTPRequest {
        HTTPRequest(method: method, scheme: "http", authority: authority, path: target, headerFields: headerFields)
    }

    /// A field whose value was checked when the head was read. An ASCII value goes in as a `String`, which costs
    /// about a third of the bytes path (that one tries to validate the bytes as UTF-8 in a generic call).
    package static func field(_ name: HTTPField.Name, _ value: UnsafeRawBufferPointer) -> HTTPField {
        for byte in value where byte >= 0x80 { return HTTPField(name: name, value: value) }
        return HTTPField(name: name, value: String(decoding: value, as: UTF8.self))
    }

    /// The names nearly every API request carries, matched on their bytes (no string built and validated).
    package static func knownName(_ b: UnsafeRawBufferPointer) -> HTTPField.Name? {
        switch b.count {
        case 6 where HTTPWire.named(b, "accept"): .accept
        case 9 where HTTPWire.named(b, "x-api-key"): Self.xAPIKey
        case 10 where HTTPWire.named(b, "user-agent"): .userAgent
        case 10 where HTTPWire.named(b, "connection"): .connection
        case 12 where HTTPWire.named(b, "content-type"): .contentType
        case 13 where HTTPWire.named(b, "authorization"): .authorization
        case 14 where HTTPWire.named(b, "content-length"): .contentLength
        case 15 where HTTPWire.named(b, "accept-encoding"): .acceptEncoding
        default: nil
        }
    }
}
