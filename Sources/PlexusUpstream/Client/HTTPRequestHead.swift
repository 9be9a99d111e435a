import NIOCore

/// A request head written straight to bytes: request line, `host`, the request's headers and its length.
///
/// Names and values are checked as they are written (a token name; no line break or other control byte in a
/// value), so nothing from a config or a client can split the request.
struct HTTPRequestHead {
    /// The encoded head, ending with its blank line.
    var bytes: ByteBuffer
    /// Whether the request asked for no body in the answer (HEAD).
    var isHead: Bool
    /// Whether the request allows the connection to carry another one.
    var keepAlive: Bool

    /// The head of a request (`method`) to `wire` with a body of `bodyLength` bytes: the target's encoded prefix,
    /// the length unless the headers declare one, the blank line.
    init(_ wire: UpstreamTarget.Wire, method: String, bodyLength: Int) {
        // Room for a body the connection handler writes into the same buffer (see `inlineBody` there).
        let inline = bodyLength <= UpstreamConnectionHandler.inlineBody ? bodyLength : 0
        let size = wire.prefix.count + 40
        var b = ByteBufferAllocator().buffer(capacity: size + inline)
        b.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var w = RawByteWriter(raw)
            wire.prefix.withUnsafeBytes { w.write($0) }
            if !wire.declaresLength {
                w.write("content-length: ")
                w.write(decimal: bodyLength)
                w.write("\r\n")
            }
            w.write("\r\n")
            return w.count
        }
        bytes = b
        isHead = method == "HEAD"
        keepAlive = wire.keepAlive
    }

    /// Request line, `host` and headers as bytes, each line with its CRLF (names and values checked); whether the
    /// headers declare a length, and whether they allow another request on the connection.
    static func prefix(method: String, target: String, host: String, headers: [(String, String)])
        throws(UpstreamError) -> (bytes: [UInt8], declaresLength: Bool, keepAlive: Bool)
    {
        var hasLength = false, close = false
        for (name, value) in headers {
            guard !name.isEmpty, Self.bytes(of: name, allSatisfy: { $0.allSatisfy(HTTPWire.isTokenByte) }),
                  Self.bytes(of: value, allSatisfy: HTTPWire.isFieldValue)
            else { throw UpstreamError(.invalidHeader, "header '\(name.prefix(64))' cannot be sent") }
            if HTTPWire.named(name, "content-length") { hasLength = true }
            if HTTPWire.named(name, "connection") {
                var v = value
                if v.withUTF8({ HTTPWire.hasToken(UnsafeRawBufferPointer($0), "close") }) { close = true }
            }
        }
        // Summed, then written in one buffer of that size (see `RawByteWriter`).
        let size = 32 + method.utf8.count + target.utf8.count + host.utf8.count
            + headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var w = RawByteWriter(UnsafeMutableRawBufferPointer(buffer))
            w.write(utf8: method)
            w.write(" ")
            w.write(utf8: target)
            w.write(" HTTP/1.1\r\nhost: ")
            w.write(utf8: host)
            w.write("\r\n")
            for (name, value) in headers {
                w.write(utf8: name)
                w.write(": ")
                w.write(utf8: value)
                w.write("\r\n")
            }
            initialized = w.count
        }
        return (bytes, hasLength, !close)
    }

    /// `check` over the string's UTF-8 bytes, in place when the string is contiguous (native strings are).
    private static func bytes(of text: String, allSatisfy check: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ check(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(check)
    }
}
