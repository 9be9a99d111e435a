import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback HTTPS server that speaks HTTP/2 only (ALPN `h2`, no HTTP/1.1 fallback), as the big providers' edges
/// offer it: a client that did not negotiate HTTP/2 fails at the connection preface. Each stream gets its head at
/// once, then `chunks` as its body, the first after `firstAfter` and the others `pause` apart.
final class TestHTTP2Server: Sendable {
    let port: Int
    private let channel: any Channel
    private let counters = Counters()

    /// Connections accepted so far.
    var connections: Int { counters.value.withLock { $0.connections } }
    /// Streams (requests) opened so far, on every connection.
    var streams: Int { counters.value.withLock { $0.streams } }
    /// Streams closed before their answer was sent in full (reset by the client).
    var streamsAbandoned: Int { counters.value.withLock { $0.streamsAbandoned } }
    /// Connections closed so far.
    var connectionsClosed: Int { counters.value.withLock { $0.connectionsClosed } }

    /// Shared with the channel initializers.
    final class Counters: Sendable {
        let value = Mutex((connections: 0, streams: 0, streamsAbandoned: 0, connectionsClosed: 0))
    }

    init(
        certificate: NIOSSLCertificate, key: NIOSSLPrivateKey, chunks: [String], firstAfter: TimeAmount = .zero,
        pause: TimeAmount
    ) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        tls.applicationProtocols = ["h2"]
        let context = try NIOSSLContext(configuration: tls)
        let counters = self.counters
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counters.value.withLock { $0.connections += 1 }
                channel.closeFuture.whenComplete { _ in counters.value.withLock { $0.connectionsClosed += 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                }.flatMap {
                    channel.configureHTTP2Pipeline(mode: .server) { stream in
                        counters.value.withLock { $0.streams += 1 }
                        return stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandlers([
                                HTTP2FramePayloadToHTTP1ServerCodec(),
                                ChunkedAnswer(
                                    chunks: chunks, firstAfter: firstAfter, pause: pause, counters: counters),
                            ])
                        }
                    }.map { _ in }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Answers a request, once it is whole, with a 200 event stream of `chunks`.
private final class ChunkedAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let chunks: [String]
    let firstAfter: TimeAmount
    let pause: TimeAmount
    let counters: TestHTTP2Server.Counters
    private var finished = false

    init(chunks: [String], firstAfter: TimeAmount, pause: TimeAmount, counters: TestHTTP2Server.Counters) {
        self.chunks = chunks
        self.firstAfter = firstAfter
        self.pause = pause
        self.counters = counters
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { counters.value.withLock { $0.streamsAbandoned += 1 } }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(
            version: .http2, status: .ok, headers: ["content-type": "text/event-stream"])
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        later(firstAfter, context: context) { $0.send(0, context: $1) }
    }

    private func later(
        _ delay: TimeAmount, context: ChannelHandlerContext,
        _ work: @escaping @Sendable (ChunkedAnswer, ChannelHandlerContext) -> Void
    ) {
        guard delay > .zero else { return work(self, context) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: delay) { work(bound.value.0, bound.value.1) }
    }

    private func send(_ index: Int, context: ChannelHandlerContext) {
        guard index < chunks.count else {
            finished = true
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: chunks[index])))), promise: nil)
        later(pause, context: context) { $0.send(index + 1, context: $1) }
    }
}
