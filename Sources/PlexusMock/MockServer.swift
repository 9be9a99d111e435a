import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PlexusExecution
import Synchronization

/// A real HTTP/1.1 server (SwiftNIO) in front of a `MockUpstream`: keep-alive, chunked streams,
/// resets as closed connections, and the wire faults of `MockWireOptions`. Runs in the caller's task
/// until cancelled.
public struct MockServer: Sendable {
    /// The protocol logic behind the socket.
    public let upstream: MockUpstream
    /// Address to bind (default loopback).
    public let host: String
    /// Port to bind; 0 picks a free one.
    public let port: Int
    /// Logs binding and connection errors at debug level only (never per request above debug).
    public let logger: Logger
    let eventLoopGroup: any EventLoopGroup

    /// `port` 0 picks a free port; learn it through `run(onBound:)`.
    public init(
        upstream: MockUpstream, host: String = "127.0.0.1", port: Int = 0,
        logger: Logger = Logger(label: "plexus.mock"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.upstream = upstream
        self.host = host
        self.port = port
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Serves until the task is cancelled; cancellation is a normal return, not an error.
    public func run() async throws {
        try await run(onBound: { _ in })
    }

    /// Binds, reports the bound port, then serves until the task is cancelled.
    public func run(onBound: @Sendable (Int) async -> Void) async throws {
        let accepted = AcceptedConnections()
        let server = try await ServerBootstrap(group: eventLoopGroup)
            // As the gateway's own listener: a burst of thousands of connects overflows a shorter queue, and each
            // dropped SYN costs its client a retry of 1 s, then 3 s, 7 s...
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Only the request decoder: responses are encoded by `MockConnection` itself, as raw
                    // bytes, so wire faults (resets at a byte, HTTP/1.0, garbage heads, drips) stay possible.
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    return try accepted.open(channel)
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.debug("mock upstream listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        await onBound(boundPort)
        do {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        accepted.taken(connection)
                        // On the connection's own loop: a hop to another (possibly idle) CPU costs milliseconds here.
                        let executor = EventLoopTaskExecutor.of(connection.channel.eventLoop)
                        group.addTask(executorPreference: executor) {
                            await MockConnection(upstream: upstream, logger: logger).serve(connection)
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Cancellation is how the server is asked to stop: a normal end.
        }
        await accepted.closeUntaken()
        logger.debug("mock upstream stopped", metadata: ["port": "\(boundPort)"])
    }
}

/// The connections accepted and not yet taken by the serving loop. Cancelling the loop drops those still queued,
/// and an `NIOAsyncChannel` dropped before `executeThenClose` traps (swift-nio #2637); this keeps them, closes
/// them properly once the loop has ended, and refuses connections accepted after that.
final class AcceptedConnections: Sendable {
    private let state = Mutex<(closed: Bool, waiting: [ObjectIdentifier: MockConnection.AsyncChannel])>((false, [:]))

    struct Closed: Error {}

    /// Wraps a new connection (on its event loop, in the bootstrap's initializer) and keeps it until taken.
    func open(_ channel: any Channel) throws -> MockConnection.AsyncChannel {
        try state.withLock { s in
            guard !s.closed else { throw Closed() }
            let connection = try MockConnection.AsyncChannel(wrappingChannelSynchronously: channel)
            s.waiting[ObjectIdentifier(channel)] = connection
            return connection
        }
    }

    func taken(_ connection: MockConnection.AsyncChannel) {
        _ = state.withLock { $0.waiting.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Refuses later connections and closes those never taken.
    func closeUntaken() async {
        let untaken = state.withLock { s in
            s.closed = true
            defer { s.waiting.removeAll() }
            return Array(s.waiting.values)
        }
        for connection in untaken { try? await connection.executeThenClose { _, _ in } }
    }
}
