import NIOCore
import NIOHTTP1

/// The last handler of a pooled upstream connection: writes one request at a time and feeds its answer to the
/// request's `UpstreamExchange`; hands the connection back to its pool when an answer ends and may be followed.
final class UpstreamConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Start
    typealias OutboundOut = HTTPClientRequestPart

    /// A request to write, with the exchange that receives its answer.
    struct Start: Sendable {
        var exchange: UpstreamExchange
        var head: HTTPRequestHead
        var body: ByteBuffer
    }

    private var exchange: UpstreamExchange?
    private var keepAlive = true
    /// Called on the event loop when the connection is free for the next request.
    private let onReusable: (any Channel) -> Void

    init(onReusable: @escaping (any Channel) -> Void) { self.onReusable = onReusable }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let start = unwrapOutboundIn(data)
        exchange = start.exchange
        keepAlive = start.head.isKeepAlive
        context.write(wrapOutboundOut(.head(start.head)), promise: nil)
        if start.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(start.body))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Informational answers (100 Continue) precede the real one.
            if head.status.code / 100 == 1 && head.status.code != 101 { return }
            keepAlive = keepAlive && head.isKeepAlive
            exchange?.receive(head: UpstreamExchange.Head(
                status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }))
        case .body(let buffer):
            exchange?.receive(body: buffer)
        case .end:
            let finished = exchange
            exchange = nil
            // Back in the pool before the reader hears of the end, so its next request can take this connection.
            if keepAlive && finished != nil {
                onReusable(context.channel)
            } else {
                context.close(promise: nil)
            }
            finished?.end()
        }
    }

    /// Holds socket reads while the reader is a high-water mark behind (it asks for the read again).
    func read(context: ChannelHandlerContext) {
        if let exchange, exchange.pauseReadingIfFull() { return }
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Silence past the idle timeout: fail a running answer; an idle pooled connection just closes.
            exchange?.fail(UpstreamError(.idleTimeout, "no data from upstream within the idle timeout"))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.fail(UpstreamError(.reset, "upstream closed the connection"))
        exchange = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        exchange?.fail(UpstreamError(.reset, "upstream connection error: \(error)"))
        exchange = nil
        context.close(promise: nil)
    }
}
