/// One HTTP request as the mock sees it, free of any transport.
public struct MockRequest: Sendable {
    /// HTTP method, upper case (`GET`, `POST`).
    public var method: String
    /// Request target: path plus optional `?query`.
    public var path: String
    /// Header fields in arrival order; names compare case-insensitively.
    public var headers: [(String, String)]
    /// Raw request body.
    public var body: [UInt8]

    public init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        for (key, value) in headers where key.caseInsensitiveEquals(name) { return value }
        return nil
    }
}

/// The mock's answer: a status, headers and either a whole body or a stream of chunks.
public struct MockResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: MockBody
    /// How `MockServer` delivers it (closes, resets, HTTP/1.0 …); the in-process transport ignores this.
    public var wire: MockWireOptions

    public init(status: Int, headers: [(String, String)], body: MockBody, wire: MockWireOptions = MockWireOptions()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.wire = wire
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        for (key, value) in headers where key.caseInsensitiveEquals(name) { return value }
        return nil
    }
}

/// A response body: all at once, or chunk by chunk (SSE events, JSON array elements).
public enum MockBody: Sendable {
    case bytes([UInt8])
    /// Chunks in write order; throwing `MockError.reset` means "cut the connection here".
    case stream(AsyncThrowingStream<[UInt8], any Error>)
}

/// Transport instructions the mock gives by throwing.
public enum MockError: Error, Sendable, Equatable {
    /// Thrown by `handle()`: drop the connection without writing any response.
    case resetBeforeFirstByte
    /// Thrown by a body stream: cut the connection in the middle of the body.
    case reset
}

extension String {
    /// ASCII case-insensitive comparison, enough for header names.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = x >= 65 && x <= 90 ? x + 32 : x
            let ly = y >= 65 && y <= 90 ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}
