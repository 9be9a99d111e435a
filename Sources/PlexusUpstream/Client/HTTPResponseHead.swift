/// One response head read from its bytes: status, headers, and what they say about the body's framing.
struct HTTPResponseHead {
    var minor = 1
    var status = 0
    /// Offsets of each field in the head's bytes (see `HeaderFields`).
    var spans: [HeaderFields.Span] = []
    var framingHeaders = HTTPFramingHeaders()
    /// Set by `frame(requestIsHead:)`.
    var framing = HTTPBodyReader.Framing.length(0)

    /// Reads `b`, a whole head ending with its blank line.
    init(_ b: UnsafeRawBufferPointer) throws(HTTPWireError) {
        var first = true
        spans.reserveCapacity(12)  // growing from empty reallocated it three times for a usual answer
        let base = b.baseAddress!
        try HTTPWire.forEachLine(b) { line throws(HTTPWireError) in
            if first { try statusLine(line); first = false } else { try header(line, base: base) }
        }
        guard !first else { throw HTTPWireError("empty response head") }
    }

    /// Chooses the body's framing (RFC 9112 section 6.3); returns whether the connection stays open after it.
    mutating func frame(requestIsHead: Bool) -> Bool {
        let f = framingHeaders
        var keepAlive = minor >= 1 ? !f.close : f.keepAlive && !f.close
        if requestIsHead || status == 204 || status == 304 {
            framing = .length(0)
        } else if f.coded {
            // Transfer-Encoding wins over Content-Length; a coding other than chunked runs until the close.
            framing = f.chunked ? .chunked : .untilClose
            if f.length != nil || !f.chunked { keepAlive = false }
        } else if let length = f.length {
            framing = .length(length)
        } else {
            framing = .untilClose
            keepAlive = false
        }
        return keepAlive
    }

    /// `HTTP/1.x SSS reason`.
    private mutating func statusLine(_ b: UnsafeRawBufferPointer) throws(HTTPWireError) {
        let prefix: StaticString = "HTTP/1."
        guard b.count >= 12, (0..<7).allSatisfy({ b[$0] == prefix.utf8Start[$0] }), HTTPWire.isDigit(b[7]),
              b[8] == 0x20, HTTPWire.isDigit(b[9]), HTTPWire.isDigit(b[10]), HTTPWire.isDigit(b[11]),
              b.count == 12 || b[12] == 0x20
        else { throw HTTPWireError("invalid status line") }
        minor = Int(b[7] - 0x30)
        status = Int(b[9] - 0x30) * 100 + Int(b[10] - 0x30) * 10 + Int(b[11] - 0x30)
        guard status >= 100 else { throw HTTPWireError("invalid status code") }
    }

    /// A header; the framing ones are read as they pass.
    private mutating func header(_ line: UnsafeRawBufferPointer, base: UnsafeRawPointer) throws(HTTPWireError) {
        let (name, value) = try HTTPWire.header(line)
        spans.append(HeaderFields.Span(name: name, value: value, in: base))
        try framingHeaders.read(name: name, value: value)
    }
}
