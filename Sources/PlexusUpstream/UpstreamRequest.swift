import NIOCore
import NIOHTTP1

/// A request to a provider: where (its target: URL, method, headers, proxy) and the body.
public struct UpstreamRequest: Sendable {
    public let target: UpstreamTarget
    public var body: ByteBuffer

    public var url: String { target.url }
    public var method: String { target.method }
    public var headers: [(String, String)] { target.headers }

    public init(url: String, method: String = "POST", headers: [(String, String)], body: ByteBuffer) {
        self.init(target: UpstreamTarget(url: url, method: method, headers: headers), body: body)
    }

    /// A request to `target` (its URL, method and headers) with `body`.
    public init(target: UpstreamTarget, body: ByteBuffer) {
        self.target = target
        self.body = body
    }
}

/// How long an attempt may wait: for its first event, then between reads.
public struct UpstreamTimeouts: Sendable {
    /// Until the upstream's first event (`failover.first_byte_timeout_seconds`, capped by the request deadline).
    public var firstEvent: Duration
    /// The longest silence once the answer has started (the provider's `timeout_seconds`).
    public var idle: Duration
    /// Whether the response head is the first event (unary answers); a stream's reader says when its first SSE
    /// event arrived (`UpstreamResponse.firstEventArrived()`).
    public var firstEventAtHead: Bool

    public init(firstEvent: Duration, idle: Duration = .seconds(300), firstEventAtHead: Bool = true) {
        self.firstEvent = firstEvent
        self.idle = idle
        self.firstEventAtHead = firstEventAtHead
    }
}

/// A provider's answer: the status and headers, with the body still streaming.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var fields: HTTPHeaders
    public var body: UpstreamBody

    public init(status: Int, headers: [(String, String)], body: UpstreamBody) {
        self.init(status: status, fields: HTTPHeaders(headers), body: body)
    }

    init(status: Int, fields: HTTPHeaders, body: UpstreamBody) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    /// Every header as name and value.
    public var headers: [(String, String)] { fields.map { ($0.name, $0.value) } }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? { fields.first(name: name) }

    /// A stream's first event arrived: from now on the upstream is timed by its silences (`UpstreamTimeouts`).
    public func firstEventArrived() { body.firstEventArrived() }

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
            throw UpstreamError(client: error)
        }
        return out
    }
}

/// Anything that can carry an upstream request: real HTTP, or the in-process mock.
public protocol UpstreamTransport: Sendable {
    /// Sends the request; returns once the status and headers arrived (or fails when `timeouts` ran out).
    func send(_ request: UpstreamRequest, timeouts: UpstreamTimeouts) async throws(UpstreamError) -> UpstreamResponse
}

/// A transport over real connections: its pool follows the config's `upstream:` section, and it is shut down with
/// the gateway.
public protocol PooledUpstreamTransport: UpstreamTransport {
    /// Pool settings for requests sent from now on (a config reload).
    func configure(_ settings: UpstreamPoolSettings)
    /// Closes every connection (running answers are cancelled).
    func shutdown() async throws
}

extension UpstreamTransport {
    /// Sends the request with a first-byte deadline on its head and the default idle timeout.
    public func send(_ request: UpstreamRequest, firstByteTimeout: Duration) async throws(UpstreamError)
        -> UpstreamResponse
    {
        try await send(request, timeouts: UpstreamTimeouts(firstEvent: firstByteTimeout))
    }
}
