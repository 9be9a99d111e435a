import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Upstream calls over real HTTP on AsyncHTTPClient (pooled connections, TLS with the system's roots, HTTP/2,
/// proxies), with what a gateway adds around it: streamed bodies with back-pressure, a first-event deadline and
/// an idle timeout per attempt, cancellation when the reader leaves, and a request sent at most once.
public final class HTTPTransport: PooledUpstreamTransport {
    private let clients: UpstreamClients
    private let pool: Mutex<UpstreamPoolSettings>

    /// - Parameter tlsConfiguration: trust settings for `https` upstreams (the system's roots by default).
    public init(
        pool: UpstreamPoolSettings = UpstreamPoolSettings(),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.pool = Mutex(pool)
        clients = UpstreamClients(tls: tlsConfiguration, group: group)
    }

    /// Pool settings for requests sent from now on (a config reload).
    public func configure(_ settings: UpstreamPoolSettings) {
        pool.withLock { $0 = settings }
    }

    public func send(
        _ request: UpstreamRequest, timeouts: UpstreamTimeouts
    ) async throws(UpstreamError) -> UpstreamResponse {
        let prepared = try request.target.prepared.get()
        var http = prepared.request
        http.body = .byteBuffer(request.body)
        // The caller's event loop when it runs on one (the gateway installs NIO as the global executor): the
        // connection and the answer's callbacks are then on the loop of the task reading them.
        let (client, loop) = clients.client(
            proxy: prepared.proxy, pool: pool.withLock { $0 }, loop: MultiThreadedEventLoopGroup.currentEventLoop)
        var attempt = 0
        while true {
            attempt += 1
            let exchange = UpstreamExchange(loop: loop, timeouts: timeouts)
            exchange.start(http, on: client)
            do {
                let head = try await exchange.head()
                return UpstreamResponse(
                    status: head.status, fields: head.headers, body: UpstreamBody(exchange: exchange))
            } catch {
                let failure = UpstreamError(client: error)
                // Sent once at most: only a request none of whose bytes can have left (a pooled connection found
                // closed before the write) is tried again, once. Anything else is a failed attempt for routing.
                guard attempt == 1, failure.code == .reset, !exchange.headSent, !Task.isCancelled else {
                    throw failure
                }
            }
        }
    }

    /// Shuts the clients down.
    public func shutdown() async throws {
        await clients.shutdown()
    }
}
