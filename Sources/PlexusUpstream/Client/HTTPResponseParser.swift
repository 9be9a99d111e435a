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

    private enum State {
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

    private var state = State.head
    private var keepAlive = true
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
    /// Parses a final answer's head when all of it arrived (informational ones are skipped); nil when more bytes
    /// are needed. Sets the body's framing.
    private mutating func parseHead(_ buffer: inout ByteBuffer) throws(Malformed) -> (Int, [(String, String)])? {
        while true {
            guard let end = Self.headEnd(buffer.readableBytesView) else {
                if buffer.readableBytes > Self.maxHeadBytes { throw Malformed(description: "response head over \(Self.maxHeadBytes) bytes") }
                return nil
            }
            guard end <= Self.maxHeadBytes else { throw Malformed(description: "response head over \(Self.maxHeadBytes) bytes") }
            let head = buffer.readSlice(length: end)!
            var lines = Self.lines(head)
            guard !lines.isEmpty else { throw Malformed(description: "empty response head") }
            let (minor, status) = try Self.statusLine(lines.removeFirst())
            var headers: [(String, String)] = []
            headers.reserveCapacity(lines.count)
            for line in lines { headers.append(try Self.header(line)) }
            if status / 100 == 1 {
                // 100 Continue and other informational answers precede the real one; 101 would switch protocols.
                guard status != 101 else { throw Malformed(description: "unexpected 101 Switching Protocols") }
                continue
            }
            try frame(status: status, minor: minor, headers: headers)
            return (status, headers)
        }
    }

    /// Chooses the body's framing (RFC 9112 section 6.3) and whether the connection stays open.
    private mutating func frame(status: Int, minor: Int, headers: [(String, String)]) throws(Malformed) {
        var close = false, keepAliveToken = false, chunked = false, coded = false, length: Int?
        for (name, value) in headers {
            if Self.equalsIgnoringCase(name, "connection") {
                for token in value.split(separator: ",") {
                    let t = token.trimmingSpaces
                    if Self.equalsIgnoringCase(t, "close") { close = true }
                    if Self.equalsIgnoringCase(t, "keep-alive") { keepAliveToken = true }
                }
            } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
                coded = true
                let last = value.split(separator: ",").last.map { $0.trimmingSpaces } ?? ""
                chunked = Self.equalsIgnoringCase(last, "chunked")
            } else if Self.equalsIgnoringCase(name, "content-length") {
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let text = part.trimmingSpaces
                    guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                          let n = Int(text), length == nil || length == n
                    else { throw Malformed(description: "invalid Content-Length") }
                    length = n
                }
            }
        }
        keepAlive = minor >= 1 ? !close : keepAliveToken && !close
        if requestIsHead || status == 204 || status == 304 {
            state = .head
        } else if coded {
            // Transfer-Encoding wins over Content-Length; a non-chunked coding runs until the close.
            if length != nil { keepAlive = false }
            state = chunked ? .chunkSize : .untilClose
            if !chunked { keepAlive = false }
        } else if let length {
            state = length == 0 ? .head : .fixed(remaining: length)
        } else {
            state = .untilClose
            keepAlive = false
        }
    }

    /// The length of the head including its blank line, when it is all there.
    static func headEnd(_ view: ByteBufferView) -> Int? {
        var i = view.startIndex
        while let lf = view[i...].firstIndex(of: UInt8(ascii: "\n")) {
            var next = lf + 1
            if next < view.endIndex, view[next] == UInt8(ascii: "\r") { next += 1 }
            guard next < view.endIndex else { return nil }
            if view[next] == UInt8(ascii: "\n") { return next + 1 - view.startIndex }
            i = lf + 1
        }
        return nil
    }

    /// The head's lines without line ends, up to the blank line.
    static func lines(_ head: ByteBuffer) -> [ByteBufferView] {
        var out: [ByteBufferView] = []
        var view = head.readableBytesView
        while let lf = view.firstIndex(of: UInt8(ascii: "\n")) {
            var line = view[view.startIndex..<lf]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            view = view[(lf + 1)...]
            if line.isEmpty { break }
            out.append(line)
        }
        return out
    }

    /// `HTTP/1.x SSS reason`: the minor version and the status code.
    static func statusLine(_ line: ByteBufferView) throws(Malformed) -> (minor: Int, status: Int) {
        let b = Array(line)
        guard b.count >= 12, b.starts(with: Array("HTTP/1.".utf8)), b[8] == UInt8(ascii: " "),
              (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[7]),
              b[9...11].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              b.count == 12 || b[12] == UInt8(ascii: " ")
        else { throw Malformed(description: "invalid status line") }
        let status = b[9...11].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard status >= 100 else { throw Malformed(description: "invalid status code") }
        return (Int(b[7] - UInt8(ascii: "0")), status)
    }

    /// `name: value`, with the value's surrounding spaces and tabs trimmed.
    static func header(_ line: ByteBufferView) throws(Malformed) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw Malformed(description: "invalid header line")
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(Self.isTokenByte) else { throw Malformed(description: "invalid header name") }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
        while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }), !value.contains(0x7f) else {
            throw Malformed(description: "invalid header value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

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
