import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// How upstream connections are made and pooled (`upstream:` in plexus.yaml).
public struct UpstreamPoolSettings: Sendable, Hashable {
    /// Connections to one host at most; more requests wait for one (their first-event timeout runs meanwhile).
    public var maxConnectionsPerHost: Int
    public var connectTimeout: Duration
    /// An idle pooled connection is closed after this.
    public var idleConnectionTimeout: Duration

    public init(
        maxConnectionsPerHost: Int = 8192, connectTimeout: Duration = .seconds(10),
        idleConnectionTimeout: Duration = .seconds(60)
    ) {
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.connectTimeout = connectTimeout
        self.idleConnectionTimeout = idleConnectionTimeout
    }
}

/// AsyncHTTPClient clients, one per proxy and pool settings (AsyncHTTPClient configures both per client), and of
/// those one per event loop: a request started on a loop is sent on a connection of that loop, so its writes and
/// its answer's callbacks never cross threads (a client over the whole group may lease an idle connection of the
/// other loop; asking it for the caller's loop instead opens a connection per request). A gateway has one or a
/// few. A client made for settings that a reload replaced keeps serving the requests it holds and is shut down
/// with the transport.
final class UpstreamClients: Sendable {
    struct Key: Hashable {
        var proxy: UpstreamProxy?
        var pool: UpstreamPoolSettings
    }

    /// The clients of each key: one per loop, or one over the whole group when the connection limit is below the
    /// number of loops (it could not be split).
    private let table = Mutex<[Key: [HTTPClient]]>([:])
    private let tls: TLSConfiguration
    private let group: any EventLoopGroup
    private let loops: [any EventLoop]

    init(tls: TLSConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.tls = tls
        self.group = group
        loops = Array(group.makeIterator())
    }

    /// The client for `key` whose connections live on `loop`, and the loop its callbacks must run on: `loop`
    /// itself when it belongs to the group, else the group's first.
    func client(
        proxy: UpstreamProxy?, pool: UpstreamPoolSettings, loop: (any EventLoop)?
    ) -> (HTTPClient, any EventLoop) {
        let key = Key(proxy: proxy, pool: pool)
        let index = loop.flatMap { loop in loops.firstIndex { $0 === loop } } ?? 0
        let clients = table.withLock { table in
            if let clients = table[key] { return clients }
            let clients = makeClients(key)
            table[key] = clients
            return clients
        }
        return (clients[clients.count == 1 ? 0 : index], loops[index])
    }

    private func makeClients(_ key: Key) -> [HTTPClient] {
        let limit = key.pool.maxConnectionsPerHost
        guard loops.count > 1, limit >= loops.count else {
            return [HTTPClient(eventLoopGroup: group, configuration: configuration(key, limit: limit))]
        }
        // The per-host limit is split over the loops, the shares adding up to it.
        return loops.indices.map { i in
            let share = limit / loops.count + (i < limit % loops.count ? 1 : 0)
            return HTTPClient(eventLoopGroup: loops[i], configuration: configuration(key, limit: share))
        }
    }

    private func configuration(_ key: Key, limit: Int) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .init(key.pool.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: limit)
        // A refused connection fails the attempt at once, so routing fails over instead of waiting out the deadline.
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            // A generation must not be re-sent to wherever a redirect points.
            redirectConfiguration: .disallow,
            // Silence is timed by each exchange (first event, then the provider's timeout_seconds).
            timeout: .init(connect: .init(key.pool.connectTimeout), read: nil),
            connectionPool: pool,
            proxy: key.proxy?.configuration,
            decompression: .disabled)
        configuration.httpVersion = .automatic
        // The default is the process's global tracer, a no-op one unless bootstrapped, and its span per request
        // (named, attributes set) was a twelfth of a passthrough request (docs/benchmarks.md).
        configuration.tracing.tracer = nil
        return configuration
    }

    deinit {
        // AsyncHTTPClient traps when a client is released before it was shut down: a transport dropped without
        // `shutdown()` hands its clients to a task that shuts them down (and keeps them alive until then).
        let leftover = table.withLock { $0.values.flatMap { $0 } }
        if !leftover.isEmpty {
            Task { for client in leftover { try? await client.shutdown() } }
        }
    }

    /// Shuts every client down (running answers are cancelled).
    func shutdown() async {
        let all = table.withLock { table in
            defer { table.removeAll() }
            return table.values.flatMap { $0 }
        }
        for client in all { try? await client.shutdown() }
    }
}
