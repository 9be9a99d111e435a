import PlexusHTTP

/// Checks the headers of an upstream request before anything is sent: a name must be a token, a value must hold
/// no line break or other control byte, so nothing from a config or a client can split the request.
enum HeaderCheck {
    static func validate(_ headers: [(String, String)]) throws(UpstreamError) {
        for (name, value) in headers {
            guard !name.isEmpty, bytes(of: name, allSatisfy: { $0.allSatisfy(HTTPWire.isTokenByte) }),
                bytes(of: value, allSatisfy: HTTPWire.isFieldValue)
            else { throw UpstreamError(.invalidHeader, "header '\(name.prefix(64))' cannot be sent") }
        }
    }

    /// `check` over the string's UTF-8 bytes, in place when the string is contiguous (native strings are).
    private static func bytes(of text: String, allSatisfy check: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ check(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(check)
    }
}
