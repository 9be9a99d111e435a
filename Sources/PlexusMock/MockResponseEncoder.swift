import NIOCore
import NIOHTTP1

/// Writes HTTP/1.x responses as bytes, following a `MockWirePlan`.
///
/// The mock encodes its own responses instead of using NIOHTTP1's `HTTPResponseEncoder`: the wire
/// faults need every byte in hand (a byte budget counts the head and the chunk framing, a drip sends
/// the head byte by byte, HTTP/1.0 and EOF-delimited bodies must not get chunked encoding, a garbage
/// head is no valid `HTTPResponseHead`).
enum MockResponseEncoder {
    /// What `malformed_head` sends: a status line without a number and a header line without a colon.
    static let malformedHead: [UInt8] = Array("HTTP/1.1 abc\r\nbroken header line\r\n\r\n".utf8)

    /// The answer to a request the decoder could not parse (what NIO's error handler used to send).
    static let badRequest: [UInt8] = Array(
        "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8)

    /// Transport headers the plan decides; any the response carries are dropped.
    private static let transportHeaders: Set<String> = [
        "connection", "content-length", "transfer-encoding", "keep-alive",
    ]

    /// Status line and headers; `contentLength` is the body size for `.contentLength` framing.
    static func head(
        status: Int, headers: [(String, String)], plan: MockWirePlan, contentLength: Int,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeString(plan.version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status))
        buffer.writeString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        buffer.writeString("\r\n")
        for (name, value) in headers where !transportHeaders.contains(name.lowercased()) {
            buffer.writeString(name)
            buffer.writeString(": ")
            buffer.writeString(value)
            buffer.writeString("\r\n")
        }
        switch plan.framing {
        case .contentLength: buffer.writeString("content-length: \(contentLength)\r\n")
        case .chunked: buffer.writeString("transfer-encoding: chunked\r\n")
        case .untilClose: break
        }
        if let connection = plan.connectionHeader { buffer.writeString("connection: \(connection)\r\n") }
        buffer.writeString("\r\n")
    }

    /// One piece of a streamed body, framed as the plan says.
    static func chunk(_ bytes: [UInt8], framing: MockWirePlan.Framing, into buffer: inout ByteBuffer) {
        switch framing {
        case .chunked:
            // An empty chunk would read as the terminator.
            guard !bytes.isEmpty else { return }
            buffer.writeString(String(bytes.count, radix: 16))
            buffer.writeString("\r\n")
            buffer.writeBytes(bytes)
            buffer.writeString("\r\n")
        case .contentLength, .untilClose:
            buffer.writeBytes(bytes)
        }
    }

    /// The end of a streamed body: the last chunk for chunked framing, nothing otherwise (the close ends it).
    static func end(framing: MockWirePlan.Framing, into buffer: inout ByteBuffer) {
        if framing == .chunked { buffer.writeString("0\r\n\r\n") }
    }
}
