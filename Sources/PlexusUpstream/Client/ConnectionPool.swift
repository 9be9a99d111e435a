import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Idle keep-alive connections per event loop and upstream host. A request takes a connection on its own event
/// loop, so the inbound connection, the task and the upstream connection share one thread: no hops between them.
final class ConnectionPool: Sendable {
    /// Which idle connections a request may reuse.
    struct Key: Hashable, Sendable {
        var tls: Bool
        var host: String
        var port: Int
        var loop: ObjectIdentifier

        /// The host is left out of the hash (equal keys still hash alike): a gateway reaches few hosts, and
        /// hashing the name cost more than the rest of taking and giving back a connection.
        func hash(into hasher: inout Hasher) {
            hasher.combine(port)
            hasher.combine(loop)
            hasher.combine(tls)
        }
    }

    /// A connection and its handler, which requests are started on directly (on the connection's event loop).
    struct Pooled: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<UpstreamConnectionHandler>

        /// A channel and its handler, bound to the channel's loop (the only place it is used).
        init(_ channel: any Channel, _ handler: UpstreamConnectionHandler) {
            self.channel = channel
            self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }
    }

    private let idle = Mutex<[Key: [Pooled]]>([:])
    private let tlsContext = Mutex<NIOSSLContext?>(nil)
    private let tlsConfiguration: TLSConfiguration
    let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    /// Idle connections kept per key; more are closed when they come back.
    let maxIdle = 256

    init(connectTimeout: TimeAmount, idleTimeout: TimeAmount, tlsConfiguration: TLSConfiguration) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.tlsConfiguration = tlsConfiguration
    }

    /// An idle connection to `url`'s host on `loop`, or a new one; `reused` tells which.
    func acquire(_ url: UpstreamURL, on loop: any EventLoop) async throws(UpstreamError) -> (connection: Pooled, reused: Bool) {
        let key = Key(tls: url.tls, host: url.host, port: url.port, loop: ObjectIdentifier(loop))
        let reusable = idle.withLock { table -> Pooled? in
            while let pooled = table[key]?.popLast() {
                if pooled.channel.isActive { return pooled }
            }
            return nil
        }
        if let reusable { return (reusable, true) }
        return (try await connect(url, key: key, on: loop), false)
    }

    private func connect(_ url: UpstreamURL, key: Key, on loop: any EventLoop) async throws(UpstreamError) -> Pooled {
        let tls = url.tls ? try sslContext() : nil
        let serverName = url.hostIsIPAddress ? nil : url.host
        let idleTimeout = idleTimeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        do {
            return try await bootstrap.connect(host: url.host, port: url.port) { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    let handler = UpstreamConnectionHandler(idleTimeout: idleTimeout) { [self] pooled in
                        release(pooled, key: key)
                    }
                    try sync.addHandler(handler)
                    return Pooled(channel, handler)
                }
            }
        } catch {
            throw UpstreamError(.connect, "cannot connect to \(url.host):\(url.port): \(error)")
        }
    }

    /// Takes back a connection whose answer ended and that may carry another request.
    private func release(_ pooled: Pooled, key: Key) {
        let kept = idle.withLock { table -> Bool in
            guard table[key, default: []].count < maxIdle else { return false }
            table[key, default: []].append(pooled)
            return true
        }
        if !kept { pooled.channel.close(promise: nil) }
    }

    private func sslContext() throws(UpstreamError) -> NIOSSLContext {
        do {
            return try tlsContext.withLock { context in
                if let context { return context }
                let made = try NIOSSLContext(configuration: tlsConfiguration)
                context = made
                return made
            }
        } catch {
            throw UpstreamError(.connect, "TLS setup failed: \(error)")
        }
    }

    /// Closes every idle connection.
    func closeAll() async {
        let channels = idle.withLock { table in
            defer { table.removeAll() }
            return table.values.flatMap { $0.map(\.channel) }
        }
        for channel in channels { try? await channel.close() }
    }
}
