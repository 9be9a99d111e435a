import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Upstream calls over real HTTP/1.1 (and TLS) on SwiftNIO: keep-alive connections pooled per event loop, streamed
/// bodies with back-pressure, first-byte and idle timeouts, cancellation that closes the connection.
public final class HTTPTransport: UpstreamTransport {
    private let pool: ConnectionPool
    /// The loop whose pool serves callers that are not on an event loop (a fixed one, so they reuse connections).
    private let defaultLoop: any EventLoop

    /// - Parameters:
    ///   - idleTimeout: the longest silence tolerated while an answer streams (and an idle pooled connection lives).
    ///   - tlsConfiguration: trust settings for `https` upstreams (the system's roots by default).
    public init(
        idleTimeout: Duration = .seconds(300), connectTimeout: Duration = .seconds(10),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        defaultLoop = MultiThreadedEventLoopGroup.singleton.next()
        pool = ConnectionPool(
            connectTimeout: .init(connectTimeout), idleTimeout: .init(idleTimeout), tlsConfiguration: tlsConfiguration)
    }

    public func send(_ request: UpstreamRequest, firstByteTimeout: Duration) async throws(UpstreamError) -> UpstreamResponse {
        let target = request.prepared
            ?? UpstreamTarget(url: request.url, method: request.method, headers: request.headers)
        let wire = try target.wire.get()
        let url = wire.url
        // The current event loop when the task runs on one (the gateway installs NIO as the global executor).
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? defaultLoop
        let head = HTTPRequestHead(wire, method: target.method, bodyLength: request.body.readableBytes)
        let deadline = NIODeadline.now() + .init(firstByteTimeout)
        var attempt = 0
        while true {
            attempt += 1
            let (connection, reused) = try await pool.acquire(url, on: loop)
            do {
                return try await exchange(on: connection, head: head, body: request.body, deadline: deadline)
            } catch let error where reused && attempt == 1 && error.code == .reset && !Task.isCancelled {
                // A pooled connection the server had already closed: the request never reached it, so one retry
                // on a fresh connection is safe.
                continue
            }
        }
    }

    private func exchange(
        on connection: ConnectionPool.Pooled, head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline
    ) async throws(UpstreamError) -> UpstreamResponse {
        let exchange = UpstreamExchange(channel: connection.channel)
        let start = UpstreamConnectionHandler.Start(exchange: exchange, head: head, body: body, firstByteDeadline: deadline)
        // Straight to the handler on its own loop (the usual case): no trip through the pipeline as a type-erased
        // value, and no future per request (the handler fails the exchange itself if the write cannot happen).
        let loop = connection.channel.eventLoop
        if loop.inEventLoop {
            connection.handler.value.begin(start)
        } else {
            loop.execute { connection.handler.value.begin(start) }
        }
        do {
            let responseHead = try await exchange.head()
            return UpstreamResponse(
                status: responseHead.status, fields: responseHead.headers, body: UpstreamBody(exchange: exchange))
        } catch {
            throw UpstreamError.map(error)
        }
    }

    /// Closes idle pooled connections (running answers finish on their own).
    public func shutdown() async throws {
        await pool.closeAll()
    }
}
