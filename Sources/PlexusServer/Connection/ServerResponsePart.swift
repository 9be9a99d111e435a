import HTTPTypes
import NIOCore
import PlexusCore
import PlexusUpstream

/// What the connection loop writes through `HTTPServerCodec`: the parts of an answer, or a whole answer of known
/// length whose header lines are already encoded (the hot unary path: one buffer, no `HTTPFields`).
enum ServerResponsePart: Sendable {
    case head(HTTPResponse)
    case body(ByteBuffer)
    case end(HTTPFields?)
    case complete(EncodedAnswer)
}

/// A whole answer with its header lines as bytes; the codec adds the status line, `content-length`, `date` and
/// `server`.
struct EncodedAnswer: Sendable {
    var status: HTTPResponse.Status
    /// `name: value\r\n` lines, names and values already checked (see `append(field:value:)`).
    var fields: [UInt8]
    var body: ByteBuffer
}

extension [UInt8] {
    /// Appends `name: value\r\n`; a byte that may not stand in a field value (a control byte but the tab) becomes a
    /// space, as `HTTPField` does, so no value can split the head.
    mutating func append(field name: StaticString, value: String) {
        append(literal: name)
        append(literal: ": ")
        let start = count
        append(utf8: value)
        for i in start..<count where !HTTPWire.isFieldValueByte(self[i]) { self[i] = 0x20 }
        append(literal: "\r\n")
    }
}
