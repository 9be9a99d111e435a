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

/// AsyncHTTPClient clients, one per proxy and pool settings (AsyncHTTPClient configures both per client); a
/// gateway has one or a few. A client made for settings that a reload replaced keeps serving the requests it
/// holds and is shut down with the transport.
final class UpstreamClients: Sendable {
    struct Key: Hashable {
        var proxy: UpstreamProxy?
        var pool: UpstreamPoolSettings
    }

    private let clients = Mutex<[Key: HTTPClient]>([:])
    private let tls: TLSConfiguration
    private let group: any EventLoopGroup

    init(tls: TLSConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.tls = tls
        self.group = group
    }

    func client(proxy: UpstreamProxy?, pool: UpstreamPoolSettings) -> HTTPClient {
        let key = Key(proxy: proxy, pool: pool)
        return clients.withLock { table in
            if let client = table[key] { return client }
            let client = HTTPClient(eventLoopGroup: group, configuration: configuration(key))
            table[key] = client
            return client
        }
    }

    private func configuration(_ key: Key) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .init(key.pool.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: key.pool.maxConnectionsPerHost)
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
        return configuration
    }

    deinit {
        // AsyncHTTPClient traps when a client is released before it was shut down: a transport dropped without
        // `shutdown()` hands its clients to a task that shuts them down (and keeps them alive until then).
        let leftover = clients.withLock { Array($0.values) }
        if !leftover.isEmpty {
            Task { for client in leftover { try? await client.shutdown() } }
        }
    }

    /// Shuts every client down (running answers are cancelled).
    func shutdown() async {
        let all = clients.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
