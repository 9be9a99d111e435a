import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback HTTP/1.1 server with scripted behaviour, for the upstream client's tests.
final class TestHTTPServer: Sendable {
    /// What the server does with the n-th request (1-based) on a connection.
    enum Behavior: Sendable {
        /// Answers every request with `body` and keeps the connection open.
        case answer(body: String)
        /// Answers the first request on a connection, then closes the connection on the next one without a word
        /// (as a server does when it had already dropped an idle keep-alive connection).
        case answerOnceThenDrop(body: String)
        /// Reads requests and never answers.
        case silent
        /// Answers the first request on a connection, then never answers again (keeping the connection).
        case answerOnceThenSilent(body: String)
        /// Streams `chunks` chunks of `chunkSize` bytes as fast as the socket takes them, `pause` between them.
        case stream(chunks: Int, chunkSize: Int, pause: TimeAmount)
        /// Sends a chunked head and nothing more (a stream that stalls before its first event).
        case headThenSilent
    }

    let port: Int
    private let channel: any Channel
    private let counters = Counters()

    /// Connections accepted so far.
    var accepted: Int { counters.value.withLock { $0.accepted } }
    /// Connections closed so far.
    var closed: Int { counters.value.withLock { $0.closed } }
    /// Requests received in full so far, on every connection.
    var received: Int { counters.value.withLock { $0.received } }

    /// Shared with the channel initializer.
    final class Counters: Sendable {
        let value = Mutex((accepted: 0, closed: 0, received: 0))
    }

    init(_ behavior: Behavior, tls: NIOSSLContext? = nil) async throws {
        let counters = self.counters
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counters.value.withLock { $0.accepted += 1 }
                channel.closeFuture.whenComplete { _ in counters.value.withLock { $0.closed += 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        ScriptedHandler(behavior: behavior, counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Answers requests as the behaviour says.
private final class ScriptedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let behavior: TestHTTPServer.Behavior
    let counters: TestHTTPServer.Counters
    private var requests = 0

    init(behavior: TestHTTPServer.Behavior, counters: TestHTTPServer.Counters) {
        self.behavior = behavior
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        requests += 1
        counters.value.withLock { $0.received += 1 }
        switch behavior {
        case .answer(let body):
            answer(context, body)
        case .answerOnceThenDrop(let body):
            if requests == 1 { answer(context, body) } else { context.close(promise: nil) }
        case .silent:
            break
        case .answerOnceThenSilent(let body):
            if requests == 1 { answer(context, body) }
        case .stream(let chunks, let size, let pause):
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "transfer-encoding", value: "chunked")
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            Self.streamChunks(context.channel, left: chunks, size: size, pause: pause)
        case .headThenSilent:
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "transfer-encoding", value: "chunked")
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        }
    }

    private func answer(_ context: ChannelHandlerContext, _ body: String) {
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "content-length", value: String(body.utf8.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Writes one chunk when the previous one was taken by the socket, so a slow reader holds the server back.
    private static func streamChunks(_ channel: any Channel, left: Int, size: Int, pause: TimeAmount) {
        guard left > 0 else {
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
            return
        }
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(chunk))).whenSuccess {
            let loop = channel.eventLoop
            if pause == .zero {
                streamChunks(channel, left: left - 1, size: size, pause: pause)
            } else {
                loop.scheduleTask(in: pause) { streamChunks(channel, left: left - 1, size: size, pause: pause) }
            }
        }
    }
}
