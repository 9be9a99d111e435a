import NIOCore

/// A request to a provider, fully built: URL, headers and body.
public struct UpstreamRequest: Sendable {
    public let url: String
    public let method: String
    public let headers: [(String, String)]
    public var body: ByteBuffer
    /// URL, method and headers already checked and encoded, when the request was made from a target.
    public let prepared: UpstreamTarget?

    public init(url: String, method: String = "POST", headers: [(String, String)], body: ByteBuffer) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        prepared = nil
    }

    /// A request to `target` (its URL, method and headers) with `body`.
    public init(target: UpstreamTarget, body: ByteBuffer) {
        url = target.url
        method = target.method
        headers = target.headers
        self.body = body
        prepared = target
    }
}

/// A provider's answer: the status and headers, with the body still streaming.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var fields: HeaderFields
    public var body: UpstreamBody

    public init(status: Int, headers: [(String, String)], body: UpstreamBody) {
        self.init(status: status, fields: HeaderFields(headers), body: body)
    }

    init(status: Int, fields: HeaderFields, body: UpstreamBody) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    /// Every header as name and value (made from the bytes on each call).
    public var headers: [(String, String)] { fields.pairs }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? { fields.first(name) }

    /// Reads the whole body, refusing more than `limit` bytes.
    public func collect(upTo limit: Int) async throws(UpstreamError) -> ByteBuffer {
        var out = ByteBuffer()
        do {
            for try await chunk in body {
                guard out.readableBytes + chunk.readableBytes <= limit else {
                    throw UpstreamError(.bodyTooLarge, "upstream body over \(limit) bytes")
                }
                if out.readableBytes == 0 {
                    out = chunk  // most answers arrive in one chunk: keep it rather than copy it
                } else {
                    var c = chunk
                    out.writeBuffer(&c)
                }
            }
        } catch let e as UpstreamError {
            throw e
        } catch {
            throw UpstreamError.map(error)
        }
        return out
    }
}

/// Anything that can carry an upstream request: real HTTP, or the in-process mock.
public protocol UpstreamTransport: Sendable {
    /// Sends the request; returns once the status and headers arrived (or `firstByteTimeout` passed).
    func send(_ request: UpstreamRequest, firstByteTimeout: Duration) async throws(UpstreamError) -> UpstreamResponse
}
