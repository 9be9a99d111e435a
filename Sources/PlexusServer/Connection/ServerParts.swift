import HTTPTypes
import NIOCore
import PlexusHTTP

/// A request part as `HTTPServerCodec` hands it on.
enum ServerRequestPart: Sendable {
    case head(InboundHead)
    case body(ByteBuffer)
    case end
}

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
    /// `name: value\r\n` lines, names and values already checked (see `RawByteWriter.writeField`).
    var fields: [UInt8]
    var body: ByteBuffer
}
