import NIOCore

extension HTTPResponseParser {
    /// Parses a final answer's head when all of it arrived (informational ones are skipped); nil when more bytes
    /// are needed. Sets the body's framing.
    mutating func parseHead(_ buffer: inout ByteBuffer) throws(Malformed) -> (Int, [(String, String)])? {
        while true {
            let parsed = try buffer.withUnsafeReadableBytes { raw throws(Malformed) -> (Int, HTTPResponseHead)? in
                guard let end = Self.headEnd(raw) else {
                    if raw.count > Self.maxHeadBytes { throw Malformed(description: "response head over \(Self.maxHeadBytes) bytes") }
                    return nil
                }
                guard end <= Self.maxHeadBytes else { throw Malformed(description: "response head over \(Self.maxHeadBytes) bytes") }
                return (end, try HTTPResponseHead(UnsafeRawBufferPointer(rebasing: raw[..<end])))
            }
            guard let (end, head) = parsed else { return nil }
            buffer.moveReaderIndex(forwardBy: end)
            if head.status / 100 == 1 {
                // 100 Continue and other informational answers precede the real one; 101 would switch protocols.
                guard head.status != 101 else { throw Malformed(description: "unexpected 101 Switching Protocols") }
                continue
            }
            frame(head)
            return (head.status, head.headers)
        }
    }

    /// Chooses the body's framing (RFC 9112 section 6.3) and whether the connection stays open.
    mutating func frame(_ head: HTTPResponseHead) {
        keepAlive = head.minor >= 1 ? !head.close : head.keepAliveToken && !head.close
        if requestIsHead || head.status == 204 || head.status == 304 {
            state = .head
        } else if head.coded {
            // Transfer-Encoding wins over Content-Length; a coding other than chunked runs until the close.
            state = head.chunked ? .chunkSize : .untilClose
            if head.length != nil || !head.chunked { keepAlive = false }
        } else if let length = head.length {
            state = length == 0 ? .head : .fixed(remaining: length)
        } else {
            state = .untilClose
            keepAlive = false
        }
    }

    /// The length of the head including its blank line (CRLF CRLF, or bare LFs), when it is all there.
    static func headEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < b.count {
            if b[i] == 0x0A {
                var next = i + 1
                if next < b.count, b[next] == 0x0D { next += 1 }
                guard next < b.count else { return nil }
                if b[next] == 0x0A { return next + 1 }
            }
            i += 1
        }
        return nil
    }
}

/// One response head read from its bytes: status, headers, and what they say about framing.
struct HTTPResponseHead {
    var minor = 1
    var status = 0
    var headers: [(String, String)] = []
    var close = false
    var keepAliveToken = false
    var coded = false
    var chunked = false
    var length: Int?

    typealias Malformed = HTTPResponseParser.Malformed

    /// Reads `b`, a whole head ending with its blank line.
    init(_ b: UnsafeRawBufferPointer) throws(Malformed) {
        var start = 0
        var first = true
        while start < b.count {
            var end = start
            while end < b.count, b[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start, b[stop - 1] == 0x0D { stop -= 1 }
            if stop == start { break }  // the blank line
            let line = UnsafeRawBufferPointer(rebasing: b[start..<stop])
            if first { try statusLine(line); first = false } else { try header(line) }
            start = end + 1
        }
        guard !first else { throw Malformed(description: "empty response head") }
    }

    /// `HTTP/1.x SSS reason`.
    private mutating func statusLine(_ b: UnsafeRawBufferPointer) throws(Malformed) {
        let prefix: StaticString = "HTTP/1."
        guard b.count >= 12, (0..<7).allSatisfy({ b[$0] == prefix.utf8Start[$0] }), Self.isDigit(b[7]),
              b[8] == 0x20, Self.isDigit(b[9]), Self.isDigit(b[10]), Self.isDigit(b[11]), b.count == 12 || b[12] == 0x20
        else { throw Malformed(description: "invalid status line") }
        minor = Int(b[7] - 0x30)
        status = Int(b[9] - 0x30) * 100 + Int(b[10] - 0x30) * 10 + Int(b[11] - 0x30)
        guard status >= 100 else { throw Malformed(description: "invalid status code") }
    }

    /// `name: value`, the value's surrounding spaces and tabs trimmed; framing headers are read as they pass.
    private mutating func header(_ b: UnsafeRawBufferPointer) throws(Malformed) {
        var colon = 0
        while colon < b.count, b[colon] != UInt8(ascii: ":") {
            guard HTTPResponseParser.isTokenByte(b[colon]) else { throw Malformed(description: "invalid header name") }
            colon += 1
        }
        guard colon > 0, colon < b.count else { throw Malformed(description: "invalid header line") }
        var from = colon + 1, to = b.count
        while from < to, b[from] == 0x20 || b[from] == 0x09 { from += 1 }
        while to > from, b[to - 1] == 0x20 || b[to - 1] == 0x09 { to -= 1 }
        for k in from..<to where (b[k] < 0x20 && b[k] != 0x09) || b[k] == 0x7f {
            throw Malformed(description: "invalid header value")
        }
        let name = UnsafeRawBufferPointer(rebasing: b[..<colon]), value = UnsafeRawBufferPointer(rebasing: b[from..<to])
        headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        if Self.named(name, "content-length") {
            try contentLength(value)
        } else if Self.named(name, "transfer-encoding") {
            coded = true
            chunked = Self.lastToken(value).map { Self.named($0, "chunked") } ?? false
        } else if Self.named(name, "connection") {
            Self.forEachToken(value) { token in
                if Self.named(token, "close") { close = true }
                if Self.named(token, "keep-alive") { keepAliveToken = true }
            }
        }
    }

    /// One or more equal decimal lengths (a list, or the header repeated); anything else is refused.
    private mutating func contentLength(_ value: UnsafeRawBufferPointer) throws(Malformed) {
        var bad = false
        Self.forEachToken(value, keepEmpty: true) { token in
            guard !token.isEmpty, token.count <= 18, token.allSatisfy(Self.isDigit) else { bad = true; return }
            let n = token.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if let length, length != n { bad = true }
            length = n
        }
        if bad { throw Malformed(description: "invalid Content-Length") }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Whether `b` is `lowercase`, ignoring ASCII case.
    static func named(_ b: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard b.count == lowercase.utf8CodeUnitCount else { return false }
        let p = lowercase.utf8Start
        for k in 0..<b.count where (b[k] >= 0x41 && b[k] <= 0x5a ? b[k] | 0x20 : b[k]) != p[k] { return false }
        return true
    }

    /// Calls `body` with each comma-separated token of `value`, trimmed.
    static func forEachToken(_ value: UnsafeRawBufferPointer, keepEmpty: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var from = start, to = end
            while from < to, value[from] == 0x20 || value[from] == 0x09 { from += 1 }
            while to > from, value[to - 1] == 0x20 || value[to - 1] == 0x09 { to -= 1 }
            if keepEmpty || to > from { body(UnsafeRawBufferPointer(rebasing: value[from..<to])) }
            start = end + 1
        }
    }

    /// The last comma-separated token of `value`, trimmed.
    static func lastToken(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var last: UnsafeRawBufferPointer?
        forEachToken(value) { last = $0 }
        return last
    }
}
