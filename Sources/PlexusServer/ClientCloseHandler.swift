import NIOCore
import NIOHTTPTypes

/// Passes everything on, and closes the connection's watch when the client shuts its side or the connection drops.
///
/// The server allows remote half-closure, so a client's FIN arrives as `ChannelEvent.inputClosed` and a reset or
/// close as `channelInactive`; NIOAsyncChannel keeps reading while a response is being produced, so both arrive
/// while the request is still being answered. Reads (a pipelined request's head included) are not a close.
final class ClientCloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let watch: ConnectionWatch

    init(watch: ConnectionWatch) { self.watch = watch }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { watch.close() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.close()
        context.fireChannelInactive()
    }
}
