import ArgumentParser
import NIOCore
import NIOPosix

/// A bare SwiftNIO TCP relay, the floor for any proxy on SwiftNIO: each client connection gets its own upstream
/// connection on the same event loop, and bytes are copied both ways as they arrive (no HTTP parsing, no
/// authentication, no logging). `scripts/bench.d/floor.py` measures it beside nginx and the gateway.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Relay 127.0.0.1:PORT to 127.0.0.1:UPSTREAM byte for byte until stopped.")
    @Option(help: "Port to listen on (127.0.0.1).") var port: Int
    @Option(help: "Port of the upstream (127.0.0.1).") var upstream: Int

    func run() async throws {
        let upstreamPort = upstream
        try await serveLoopback(port: port) { channel in
            try channel.pipeline.syncOperations.addHandler(RelayFront(upstreamPort: upstreamPort))
        }
    }
}

/// Listens on 127.0.0.1:`port` (no delay on accepted connections), sets each connection up with `setUp` on its
/// event loop, prints `{"listening":PORT}` and serves until the process stops: the relays' common server.
func serveLoopback(port: Int, setUp: @escaping @Sendable (any Channel) throws -> Void) async throws {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try setUp(channel) }
        }
        .bind(host: "127.0.0.1", port: port).get()
    print("{\"listening\":\(server.localAddress?.port ?? 0)}")
    try await server.closeFuture.get()
}

/// The client's side: connects its upstream on channel activation, holds what arrives before it is connected.
private final class RelayFront: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let upstreamPort: Int
    private var back: (any Channel)?
    private var held: [ByteBuffer] = []

    init(upstreamPort: Int) { self.upstreamPort = upstreamPort }

    func channelActive(context: ChannelHandlerContext) {
        let front = NIOLoopBound((self, context.channel), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RelayBack(front: front.value.1))
                }
            }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .whenComplete { result in
                let (handler, client) = front.value
                switch result {
                case .success(let channel):
                    handler.back = channel
                    for buffer in handler.held { channel.write(buffer, promise: nil) }
                    handler.held.removeAll()
                    channel.flush()
                case .failure:
                    client.close(promise: nil)
                }
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let back { back.write(buffer, promise: nil) } else { held.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { back?.flush() }

    func channelInactive(context: ChannelHandlerContext) { back?.close(promise: nil) }
}

/// The upstream's side: everything it answers goes straight back to the client.
private final class RelayBack: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let front: any Channel

    init(front: any Channel) { self.front = front }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        front.write(unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) { front.flush() }

    func channelInactive(context: ChannelHandlerContext) { front.close(promise: nil) }
}
