import HTTPTypes
import NIOCore
import PlexusUpstream

/// A request head as it arrived: the request line parsed and every header line checked, the fields kept as offsets
/// into the head's bytes. `HTTPFields` are built only when something needs them all (the router's routes, a debug
/// trace): building them cost about 2k instructions a field, and API clients send ten or more.
struct InboundHead: Sendable {
    /// Where one field's name and value lie in `bytes`.
    struct Span: Sendable {
        var name: Range<Int>
        var value: Range<Int>
    }

    var method: HTTPRequest.Method
    /// The origin-form target: path and query.
    var target: String
    /// From the `Host` header.
    var authority: String?
    /// The connection closes after the answer: `Connection: close`, or HTTP/1.0 without keep-alive.
    var closeAfter = false
    /// The head's bytes (a slice of what was read).
    let bytes: ByteBuffer
    var spans: [Span] = []

    /// The target without its query.
    var path: Substring {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<q]
    }

    /// The value of the field `name`; repeated fields joined with ", " (as `HTTPFields` does).
    func value(of name: HTTPField.Name) -> String? {
        guard let first = firstIndex(of: name) else { return nil }
        guard firstIndex(of: name, after: first) != nil else { return string(spans[first].value) }
        return values(of: name).joined(separator: ", ")
    }

    /// Every value of the field `name`, in order.
    func values(of name: HTTPField.Name) -> [String] {
        var found: [String] = []
        var at = firstIndex(of: name)
        while let i = at {
            found.append(string(spans[i].value))
            at = firstIndex(of: name, after: i)
        }
        return found
    }

    /// The index of the first span after `after` whose name is `name` (compared without building strings).
    private func firstIndex(of name: HTTPField.Name, after: Int = -1) -> Int? {
        var lower = name.canonicalName
        return lower.withUTF8 { lower in
            bytes.withUnsafeReadableBytes { b in
                var i = after + 1
                while i < spans.count {
                    let span = spans[i]
                    let name = UnsafeRawBufferPointer(rebasing: b[span.name])
                    if name.count == lower.count, Self.equalsLowercase(name, lower) { return i }
                    i += 1
                }
                return nil
            }
        }
    }

    private func string(_ range: Range<Int>) -> String {
        bytes.withUnsafeReadableBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The fields as `HTTPFields` (with `Connection: close` when the connection closes after the answer).
    var headerFields: HTTPFields {
        var fields: [HTTPField] = []
        fields.reserveCapacity(spans.count + 1)
        bytes.withUnsafeReadableBytes { b in
            for span in spans {
                let name = UnsafeRawBufferPointer(rebasing: b[span.name])
                // Checked as a token when the head was read, so the name is valid.
                guard let fieldName = Self.knownName(name) ?? HTTPField.Name(String(decoding: name, as: UTF8.self))
                else { continue }
                fields.append(Self.field(fieldName, UnsafeRawBufferPointer(rebasing: b[span.value])))
            }
        }
        var result = HTTPFields(fields)
        if closeAfter { result[.connection] = "close" }
        return result
    }

    /// The head as an `HTTPRequest`.
    var request: HTTPRequest {
        HTTPRequest(method: method, scheme: "http", authority: authority, path: target, headerFields: headerFields)
    }

    /// A field whose value was checked when the head was read. An ASCII value goes in as a `String`, which costs
    /// about a third of the bytes path (that one tries to validate the bytes as UTF-8 in a generic call).
    static func field(_ name: HTTPField.Name, _ value: UnsafeRawBufferPointer) -> HTTPField {
        for byte in value where byte >= 0x80 { return HTTPField(name: name, value: value) }
        return HTTPField(name: name, value: String(decoding: value, as: UTF8.self))
    }

    /// The names nearly every API request carries, matched on their bytes (no string built and validated).
    static func knownName(_ b: UnsafeRawBufferPointer) -> HTTPField.Name? {
        switch b.count {
        case 6 where HTTPWire.named(b, "accept"): .accept
        case 9 where HTTPWire.named(b, "x-api-key"): ClientCredentials.xAPIKey
        case 10 where HTTPWire.named(b, "user-agent"): .userAgent
        case 10 where HTTPWire.named(b, "connection"): .connection
        case 12 where HTTPWire.named(b, "content-type"): .contentType
        case 13 where HTTPWire.named(b, "authorization"): .authorization
        case 14 where HTTPWire.named(b, "content-length"): .contentLength
        case 15 where HTTPWire.named(b, "accept-encoding"): .acceptEncoding
        default: nil
        }
    }

    /// Whether `name` spells `lowercase`, ignoring ASCII case.
    static func equalsLowercase(_ name: UnsafeRawBufferPointer, _ lowercase: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == lowercase.count else { return false }
        for k in 0..<name.count where (name[k] >= 0x41 && name[k] <= 0x5a ? name[k] | 0x20 : name[k]) != lowercase[k] {
            return false
        }
        return true
    }
}
