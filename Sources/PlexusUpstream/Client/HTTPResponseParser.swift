import NIOCore

/// An incremental HTTP/1.1 response parser (RFC 9112) for the upstream client: status line and headers, then the
/// body framed by `Content-Length`, chunked transfer coding or the connection's close.
///
/// It replaces NIO's codec handlers on pooled connections: one handler that parses bytes where they arrive costs
/// far less than four handlers passing typed parts to each other (each hop a type-erased wrap and cast). Body bytes
/// are handed on as slices of the received buffer, never copied.
struct HTTPResponseParser {
    /// What the bytes said, in order.
    enum Event {
        case head(status: Int, headers: [(String, String)])
        case body(ByteBuffer)
        /// The answer ended; `reusable` when the connection may carry another request.
        case end(reusable: Bool)
    }

    /// A response the parser cannot accept; the connection must close.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
    }

    /// Longest status line plus headers, and longest chunk-size or trailer line, accepted.
    static let maxHeadBytes = 80 * 1024
    static let maxLineBytes = 8 * 1024

    var state = State.head
    var keepAlive = true
    /// Whether the request was a HEAD (its answer has no body whatever the headers say).
    var requestIsHead = false

    /// Whether bytes of an unfinished answer are still expected.
    var inMessage: Bool {
        if case .head = state { return false }
        return true
    }

    /// Parses what `buffer` holds, consuming complete parts (a partial line stays for the next call). Stops after an
    /// answer's end: bytes left after it were not asked for (the end says the connection is not reusable then).
    mutating func parse(_ buffer: inout ByteBuffer, emit: (Event) -> Void) throws(Malformed) {
        while buffer.readableBytes > 0 {
            switch state {
            case .head:
                guard let (status, headers) = try parseHead(&buffer) else { return }
                emit(.head(status: status, headers: headers))
                if case .head = state { return finish(buffer, emit) }  // no body
            case .fixed(let remaining):
                let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                emit(.body(slice))
                if remaining == slice.readableBytes { return finish(buffer, emit) }
                state = .fixed(remaining: remaining - slice.readableBytes)
            case .chunkSize:
                guard let line = try readLine(&buffer) else { return }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                emit(.body(slice))
                state = remaining == slice.readableBytes ? .chunkDataEnd : .chunkData(remaining: remaining - slice.readableBytes)
            case .chunkDataEnd:
                guard let line = try readLine(&buffer) else { return }
                guard line.readableBytes == 0 else { throw Malformed(description: "chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                guard let line = try readLine(&buffer) else { return }
                if line.readableBytes == 0 { return finish(buffer, emit) }
            case .untilClose:
                emit(.body(buffer.readSlice(length: buffer.readableBytes)!))
            }
        }
    }

    /// The connection closed: ends a body framed by the close; any other unfinished answer was cut short.
    mutating func closed(emit: (Event) -> Void) throws(Malformed) {
        switch state {
        case .head: return
        case .untilClose:
            state = .head
            emit(.end(reusable: false))
        case .fixed, .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            throw Malformed(description: "connection closed in the middle of the answer")
        }
    }

    private mutating func finish(_ rest: ByteBuffer, _ emit: (Event) -> Void) {
        state = .head
        requestIsHead = false
        emit(.end(reusable: keepAlive && rest.readableBytes == 0))
    }

    /// One line without its CRLF (a bare LF is taken too), or nil when it has not all arrived.
    private func readLine(_ buffer: inout ByteBuffer) throws(Malformed) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maxLineBytes { throw Malformed(description: "line over \(Self.maxLineBytes) bytes") }
            return nil
        }
        let length = lf - view.startIndex
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        return line
    }

    static func chunkSize(_ line: ByteBuffer) throws(Malformed) -> Int {
        var size = 0, digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw Malformed(description: "chunk size missing") }
                return size  // chunk extensions are ignored
            default: throw Malformed(description: "invalid chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw Malformed(description: "chunk size too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw Malformed(description: "chunk size missing") }
        return size
    }
}

extension HTTPResponseParser {
    /// RFC 9110 token characters.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func equalsIgnoringCase(_ a: some StringProtocol, _ lowercase: String) -> Bool {
        a.utf8.count == lowercase.utf8.count
            && zip(a.utf8, lowercase.utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0) == $1 }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
