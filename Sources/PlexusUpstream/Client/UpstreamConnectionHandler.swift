import NIOCore

/// The one handler of a pooled upstream connection (after TLS, if any): writes one request at a time as bytes,
/// parses the answer where it arrives (`HTTPResponseParser`) and feeds it to the request's `UpstreamExchange`; hands
/// the connection back to its pool when an answer ends and may be followed; fails a request whose answer has not
/// begun by its first-byte deadline, and closes the connection after `idleTimeout` without a byte from the upstream.
final class UpstreamConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A request to write, with the exchange that receives its answer.
    struct Start: Sendable {
        var exchange: UpstreamExchange
        var head: HTTPRequestHead
        var body: ByteBuffer
        /// When the answer's head must have arrived.
        var firstByteDeadline: NIODeadline
    }

    /// Bodies up to this size go out in the head's buffer (one write, one copy of a small body).
    static let inlineBody = 16 * 1024

    private var exchange: UpstreamExchange?
    private var parser = HTTPResponseParser()
    /// Received bytes the parser has not consumed yet (part of a line); nil when there are none.
    private var pending: ByteBuffer?
    private var keepAlive = true
    private let idleTimeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    /// The running request's first-byte deadline, until its answer's head arrives.
    private var headDeadline: NIODeadline?
    /// One timer serves both deadlines; it is only moved earlier, never cancelled per request (scheduling and
    /// cancelling a task per request cost about 5k instructions), and re-armed for what is due when it fires.
    private var check: (task: Scheduled<Void>, at: NIODeadline)?
    /// Called on the event loop when the connection is free for the next request.
    private let onReusable: (ConnectionPool.Pooled) -> Void
    /// Ours while the handler is in the pipeline (requests are started on the handler, not written to the channel).
    private var context: ChannelHandlerContext?

    init(idleTimeout: TimeAmount, onReusable: @escaping (ConnectionPool.Pooled) -> Void) {
        self.idleTimeout = idleTimeout
        self.onReusable = onReusable
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        scheduleCheck(context: context, at: lastActivity + idleTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        check?.task.cancel()
        check = nil
    }

    /// Writes a request and routes its answer to the request's exchange; on the connection's event loop. A
    /// connection that closed meanwhile fails the exchange at once (`.reset`: the request never left); a write
    /// that fails closes the channel, which fails the exchange in `channelInactive`.
    func begin(_ start: Start) {
        guard let context, context.channel.isActive, exchange == nil else {
            start.exchange.fail(UpstreamError(.reset, "upstream connection closed before the request was written"))
            return
        }
        exchange = start.exchange
        keepAlive = start.head.keepAlive
        parser.requestIsHead = start.head.isHead
        lastActivity = .now()
        headDeadline = start.firstByteDeadline
        if check.map({ $0.at > start.firstByteDeadline }) ?? true {
            scheduleCheck(context: context, at: start.firstByteDeadline)
        }
        var bytes = start.head.bytes
        var body = start.body
        if body.readableBytes <= Self.inlineBody {
            bytes.writeBuffer(&body)
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        } else {
            context.write(wrapOutboundOut(bytes), promise: nil)
            context.writeAndFlush(wrapOutboundOut(body), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        var buffer = unwrapInboundIn(data)
        if var held = pending {
            pending = nil
            held.writeBuffer(&buffer)
            buffer = held
        }
        guard exchange != nil || parser.inMessage else {
            // Bytes nobody asked for: the connection's framing is lost.
            context.close(promise: nil)
            return
        }
        do {
            try parser.parse(&buffer) { event in deliver(event, context: context) }
        } catch {
            fail(UpstreamError(.reset, "malformed upstream response: \(error.description)"), context: context)
            return
        }
        guard buffer.readableBytes > 0 else { return }
        if exchange != nil || parser.inMessage {
            pending = buffer  // a line still arriving
        } else {
            context.close(promise: nil)  // bytes after the end of an answer (the end already said: not reusable)
        }
    }

    private func deliver(_ event: HTTPResponseParser.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let status, let headers):
            headDeadline = nil
            exchange?.receive(head: UpstreamExchange.Head(status: status, headers: headers))
        case .body(let buffer):
            exchange?.receive(body: buffer)
        case .end(let reusable):
            let finished = exchange
            exchange = nil
            // Back in the pool before the reader hears of the end, so its next request can take this connection.
            if reusable && keepAlive && finished != nil {
                onReusable(ConnectionPool.Pooled(context.channel, self))
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

    func channelInactive(context: ChannelHandlerContext) {
        check?.task.cancel()
        check = nil
        var ended = false
        do {
            // An answer framed by the close ends here.
            try parser.closed { event in
                if case .end = event { ended = true }
                deliver(event, context: context)
            }
        } catch {}
        if !ended {
            exchange?.fail(UpstreamError(.reset, "upstream closed the connection"))
            exchange = nil
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(UpstreamError(.reset, "upstream connection error: \(error)"), context: context)
    }

    private func fail(_ error: UpstreamError, context: ChannelHandlerContext) {
        exchange?.fail(error)
        exchange = nil
        context.close(promise: nil)
    }

    /// A request without its answer's head by the deadline fails; silence past the idle timeout fails a running
    /// answer, and an idle pooled connection just closes.
    private func scheduleCheck(context: ChannelHandlerContext, at deadline: NIODeadline) {
        check?.task.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.check = nil
            let now = NIODeadline.now()
            if let head = handler.headDeadline, head <= now {
                handler.fail(UpstreamError(.firstByteTimeout, "no response before the first-byte deadline"), context: context)
                return
            }
            let idle = handler.lastActivity + handler.idleTimeout
            if idle <= now {
                handler.fail(UpstreamError(.idleTimeout, "no data from upstream within the idle timeout"), context: context)
            } else {
                handler.scheduleCheck(context: context, at: min(idle, handler.headDeadline ?? idle))
            }
        }
        check = (task, deadline)
    }
}
