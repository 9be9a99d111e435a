import HummingbirdCore
import Logging
import NIOCore
import PlexusExecution

/// Hummingbird's HTTP/1 connection, run in a task that is cancelled as soon as the client goes away.
///
/// Cancelling the connection's task cancels whatever it is awaiting for the client (an upstream call, a stream
/// relay), with no per-request watcher: one extra task per connection, nothing per request, and the connection
/// keeps serving requests (keep-alive) until the client leaves.
struct WatchedHTTP1Channel: ServerChildChannel {
    /// The async channel Hummingbird serves, with the watch its close handler fires.
    struct Value: ServerChildChannelValue {
        let connection: HTTP1Channel.Value
        let watch: ConnectionWatch
        var channel: any Channel { connection.channel }
    }

    let http1: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, configuration: HTTP1Channel.Configuration) {
        http1 = HTTP1Channel(responder: responder, configuration: configuration)
    }

    /// The pipeline of `HTTP1Channel.setup`, with `HTTPServerCodec` where NIO's three HTTP/1 handlers were.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let configuration = http1.configuration
        return channel.eventLoop.makeCompletedFuture {
            let watch = ConnectionWatch()
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(HTTPServerCodec(limits: .init(
                maxHeadBytes: configuration.httpDecoder.maxHeaderListSize + 8 * 1024,
                maxHeaderFields: configuration.httpDecoder.maxHeaderFieldCount)))
            try sync.addHandlers(configuration.additionalChannelHandlers())
            try sync.addHandler(ClientCloseHandler(watch: watch))
            try sync.addHandler(HTTPConnectionStateHandler(
                idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
            let connection = try HTTP1Channel.Value(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            return Value(connection: connection, watch: watch)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            // On the channel's own loop as task executor: no thread hops between the socket and the handler.
            group.addTask(executorPreference: EventLoopTaskExecutor.of(value.channel.eventLoop)) {
                await http1.handle(value: value.connection, logger: logger)
                // The connection is done: wake the waiter below even if no close event came.
                value.watch.close()
            }
            await value.watch.closed()
            group.cancelAll()
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 whose connection task is cancelled when the client goes away (see `WatchedHTTP1Channel`).
    static func watchedHTTP1(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in WatchedHTTP1Channel(responder: responder, configuration: configuration) }
    }
}
