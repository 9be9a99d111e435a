import NIOCore
import PlexusCore

/// HTTP/1.1 syntax on raw bytes (RFC 9110, 9112), shared by the client's and the server's parsers.
public enum HTTPWire {
    /// Longest head (start line plus headers), and longest chunk-size or trailer line, accepted.
    public static let maxHeadBytes = 80 * 1024
    public static let maxLineBytes = 8 * 1024

    /// One line without its CRLF, or nil when it has not all arrived; a bare LF is refused (see `headEnd`).
    static func readLine(_ buffer: inout ByteBuffer) throws(HTTPWireError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > maxLineBytes { throw HTTPWireError("line over \(maxLineBytes) bytes") }
            return nil
        }
        var line = buffer.readSlice(length: lf - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        guard line.readableBytesView.last == UInt8(ascii: "\r") else { throw HTTPWireError("line ended by a bare LF") }
        line.moveWriterIndex(to: line.writerIndex - 1)
        return line
    }

    /// A chunk-size line's size. Its extensions are checked and ignored: `1*HEXDIG *( ";" token [ "=" ( token /
    /// quoted-string ) ] )`, RFC 9112 section 7.1.1 without the optional spaces (llhttp is as strict).
    static func chunkSize(_ line: ByteBuffer) throws(HTTPWireError) -> Int {
        try line.withUnsafeReadableBytes { b throws(HTTPWireError) in
            var size = 0
            var i = 0
            while i < b.count, let value = hexValue(b[i]) {
                guard i < 15 else { throw HTTPWireError("chunk size too large") }
                size = size * 16 + value
                i += 1
            }
            guard i > 0 else { throw HTTPWireError("chunk size missing") }
            while i < b.count {
                guard b[i] == UInt8(ascii: ";") else { throw HTTPWireError("invalid chunk size") }
                i = try chunkExtension(b, from: i + 1)
            }
            return size
        }
    }

    /// One extension after its `;`: a name, and a value when `=` follows; returns where it ends.
    private static func chunkExtension(_ b: UnsafeRawBufferPointer, from start: Int) throws(HTTPWireError) -> Int {
        var i = start
        while i < b.count, isTokenByte(b[i]) { i += 1 }
        guard i > start else { throw HTTPWireError("invalid chunk extension") }
        guard i < b.count, b[i] == UInt8(ascii: "=") else { return i }
        i += 1
        guard i < b.count, b[i] == UInt8(ascii: "\"") else {
            let value = i
            while i < b.count, isTokenByte(b[i]) { i += 1 }
            guard i > value else { throw HTTPWireError("invalid chunk extension") }
            return i
        }
        i += 1
        while i < b.count, b[i] != UInt8(ascii: "\"") {
            if b[i] == UInt8(ascii: "\\") { i += 1 }
            guard i < b.count, b[i] == 0x09 || (b[i] >= 0x20 && b[i] < 0x7F) else {
                throw HTTPWireError("invalid chunk extension")
            }
            i += 1
        }
        guard i < b.count else { throw HTTPWireError("invalid chunk extension") }
        return i + 1
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// How much of a buffer's readable bytes a head takes.
    public enum HeadSpan {
        /// The blank line has not arrived and the limit is not passed yet.
        case needMore
        /// The head is, or will be, longer than the limit.
        case tooLarge
        /// The head's length including its blank line.
        case complete(Int)
    }

    /// Where the head at the start of `buffer` ends, checked against `limit`.
    public static func headSpan(in buffer: ByteBuffer, limit: Int) -> HeadSpan {
        guard let end = buffer.withUnsafeReadableBytes(headEnd) else {
            return buffer.readableBytes > limit ? .tooLarge : .needMore
        }
        return end <= limit ? .complete(end) : .tooLarge
    }

    /// The length of the head including its blank line (CRLF CRLF), when it is all there. RFC 9112 lets a server
    /// take a bare LF as a line end, but llhttp (NIOHTTP1) refuses one, and two parsers that split lines differently
    /// are how requests get smuggled: a head is cut at a bare LF, which the lines' reader then refuses.
    public static func headEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while let lf = ByteSearch.firstOffset(of: 0x0A, in: b, from: i) {
            guard lf > 0, b[lf - 1] == 0x0D else { return lf + 1 }  // the head ends here, refused as it is read
            if lf + 2 < b.count, b[lf + 1] == 0x0D, b[lf + 2] == 0x0A { return lf + 3 }
            i = lf + 1
        }
        return nil
    }

    /// Calls `body` with each line of a head (CRLF removed) up to its blank line; a line ended by a bare LF is
    /// refused.
    public static func forEachLine(
        _ b: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(HTTPWireError) -> Void
    ) throws(HTTPWireError) {
        var start = 0
        while start < b.count {
            guard let end = ByteSearch.firstOffset(of: 0x0A, in: b, from: start) else { return }
            guard end > start, b[end - 1] == 0x0D else { throw HTTPWireError("line ended by a bare LF") }
            let stop = end - 1
            if stop == start { return }  // the blank line
            try body(UnsafeRawBufferPointer(rebasing: b[start..<stop]))
            start = end + 1
        }
    }

    /// A header line split into its name and its value (surrounding spaces and tabs trimmed), both checked.
    public static func header(_ b: UnsafeRawBufferPointer) throws(HTTPWireError) -> (
        name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer
    ) {
        var colon = 0
        while colon < b.count, b[colon] != UInt8(ascii: ":") {
            guard isTokenByte(b[colon]) else { throw HTTPWireError("invalid header name") }
            colon += 1
        }
        guard colon > 0, colon < b.count else { throw HTTPWireError("invalid header line") }
        var from = colon + 1
        var to = b.count
        while from < to, b[from] == 0x20 || b[from] == 0x09 { from += 1 }
        while to > from, b[to - 1] == 0x20 || b[to - 1] == 0x09 { to -= 1 }
        guard isFieldValue(UnsafeRawBufferPointer(rebasing: b[from..<to])) else {
            throw HTTPWireError("invalid header value")
        }
        return (UnsafeRawBufferPointer(rebasing: b[..<colon]), UnsafeRawBufferPointer(rebasing: b[from..<to]))
    }

    /// One decimal length. A list or a repeated header is refused even when its lengths agree (RFC 9110 section
    /// 8.6 allows either), as llhttp does: a proxy must frame exactly as the parser behind or in front of it.
    public static func contentLength(_ value: UnsafeRawBufferPointer, previous: Int?) throws(HTTPWireError) -> Int {
        guard previous == nil, !value.isEmpty, value.count <= 18, value.allSatisfy(isDigit) else {
            throw HTTPWireError("invalid Content-Length")
        }
        return value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    public static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A byte a field value may hold: no control byte but the tab (so no line break can split a message).
    public static func isFieldValueByte(_ b: UInt8) -> Bool { (b >= 0x20 && b != 0x7f) || b == 0x09 }

    /// Whether every byte of `b` may stand in a field value. Eight bytes at a time: a word with no byte below 0x20
    /// and none equal to 0x7f is fine as it is; only a word with one (a tab, or a bad byte) is looked at bytewise.
    public static func isFieldValue(_ b: UnsafeRawBufferPointer) -> Bool {
        var at = 0
        while at + 8 <= b.count {
            let word = b.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            if ByteLanes.below(word, 0x20) | ByteLanes.equal(word, 0x7f) != 0 {
                for k in at..<(at + 8) where !isFieldValueByte(b[k]) { return false }
            }
            at += 8
        }
        for k in at..<b.count where !isFieldValueByte(b[k]) { return false }
        return true
    }

    /// RFC 9110 token characters: `!#$%&'*+-.^_`|~`, digits and letters, as bits of two masks.
    @inline(__always)
    public static func isTokenByte(_ b: UInt8) -> Bool {
        if b < 64 { return (0x03ff_6cfa_0000_0000 as UInt64) >> UInt64(b) & 1 == 1 }
        return b < 128 && (0x57ff_ffff_c7ff_fffe as UInt64) >> UInt64(b - 64) & 1 == 1
    }

    /// Whether `b` is `lowercase`, ignoring ASCII case.
    public static func named(_ b: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        named(b, lowercase: UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount))
    }

    /// Whether `b` is `lowercase` (bytes of a lower-case name), ignoring ASCII case.
    public static func named(_ b: UnsafeRawBufferPointer, lowercase: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == lowercase.count else { return false }
        for k in 0..<b.count where (b[k] >= 0x41 && b[k] <= 0x5a ? b[k] | 0x20 : b[k]) != lowercase[k] { return false }
        return true
    }

    /// Whether `text` is `lowercase`, ignoring ASCII case.
    public static func named(_ text: some StringProtocol, _ lowercase: StaticString) -> Bool {
        var copy = String(text)
        return copy.withUTF8 { named(UnsafeRawBufferPointer($0), lowercase) }
    }

    /// Calls `body` with each comma-separated token of `value`, trimmed.
    public static func forEachToken(
        _ value: UnsafeRawBufferPointer, keepEmpty: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var from = start
            var to = end
            while from < to, value[from] == 0x20 || value[from] == 0x09 { from += 1 }
            while to > from, value[to - 1] == 0x20 || value[to - 1] == 0x09 { to -= 1 }
            if keepEmpty || to > from { body(UnsafeRawBufferPointer(rebasing: value[from..<to])) }
            start = end + 1
        }
    }

    /// Whether any comma-separated token of `value` is `lowercase`.
    public static func hasToken(_ value: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        var found = false
        forEachToken(value) { if named($0, lowercase) { found = true } }
        return found
    }

    /// Whether the last comma-separated token of `value` is `lowercase` (chunked must come last). An empty last
    /// element counts: `chunked,` does not end in chunked, as llhttp reads it (fuzzing found the difference).
    public static func lastTokenIs(_ value: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        var last: UnsafeRawBufferPointer?
        forEachToken(value, keepEmpty: true) { last = $0 }
        return last.map { named($0, lowercase) } ?? false
    }
}

/// What a message's headers say about its body and its connection (`Content-Length`, `Transfer-Encoding`,
/// `Connection`), read as the headers pass.
public struct HTTPFramingHeaders: Sendable {
    public var length: Int?
    /// A `Transfer-Encoding` was sent; `chunked` when chunked is its last coding.
    public var coded = false
    public var chunked = false
    public var close = false
    public var keepAlive = false
    /// Whether any `Transfer-Encoding` field so far named chunked.
    var sawChunked = false

    public init() {}

    /// Notes `name: value` when it is one of the framing headers.
    public mutating func read(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(HTTPWireError) {
        if HTTPWire.named(name, "content-length") {
            length = try HTTPWire.contentLength(value, previous: length)
        } else if HTTPWire.named(name, "transfer-encoding") {
            // RFC 9112 section 6.1: chunked is applied at most once (`chunked, chunked`, or two fields that each
            // say chunked, is a framing llhttp refuses and a smuggling vector).
            var chunkings = 0
            HTTPWire.forEachToken(value) { if HTTPWire.named($0, "chunked") { chunkings += 1 } }
            if chunkings > 1 || (chunkings == 1 && sawChunked) {
                throw HTTPWireError("Transfer-Encoding applies chunked more than once")
            }
            sawChunked = sawChunked || chunkings > 0
            coded = true
            chunked = HTTPWire.lastTokenIs(value, "chunked")
        } else if HTTPWire.named(name, "connection") {
            if HTTPWire.hasToken(value, "close") { close = true }
            if HTTPWire.hasToken(value, "keep-alive") { keepAlive = true }
        }
    }
}
