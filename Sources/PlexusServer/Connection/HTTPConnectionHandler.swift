import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import PlexusHTTP

/// The gateway side of one client connection: assembles requests for the connection's task, writes its answers,
/// and tells it when the client goes away.
///
/// It replaces Hummingbird's NIOAsyncChannel hand-off (a generic producer, writer and their locks, about a fifth of
/// a passthrough request in the profile). Everything here runs on the channel's event loop; the connection's task
/// reaches it through `HTTPConnection`, which calls in directly when the task already runs on that loop (its
/// executor preference) and hops there otherwise. Bodies up to `collectLimit` arrive whole with their request;
/// longer ones are streamed to the task, with reads held while `highWater` bytes wait to be consumed.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the connection's task gets next.
    enum Incoming: Sendable {
        /// `whole` is the body when it arrived whole (up to the collect limit): the hot path reads it directly
        /// rather than through `RequestBody`'s async iteration.
        case request(InboundHead, RequestBody, whole: ByteBuffer?)
        /// The client sent bytes that are not HTTP/1.1: answer 400 and close.
        case malformed
    }

    /// Thrown to a task that reads a body or writes an answer after the connection went away.
    struct Closed: Error {}

    static let collectLimit = 256 * 1024
    static let highWater = 1024 * 1024
    /// What is read and dropped at most of a body its request was answered without (refused by its length, say)
    /// while the connection stays open for the next request; and, once the connection closes, of what the client
    /// still sends.
    static let discardLimit = 64 * 1024 * 1024
    /// How long a closing connection keeps reading (and dropping) what its client still sends, once the answer is
    /// out and the output shut: long enough for a client that writes its whole body before it reads to get to the
    /// answer, however slowly it writes, as long as it keeps writing (nginx's `lingering_time` and
    /// `lingering_timeout`).
    static let lingerTime: TimeAmount = .seconds(30)
    /// The longest silence of a closing connection's client before the connection closes.
    static let lingerTimeout: TimeAmount = .seconds(5)
    /// Pipelined requests parsed ahead of the one being answered, at most: past this, reads wait. Each queued
    /// request keeps a slice of its read buffer alive, so a client that pipelines without reading its answers
    /// grew the gateway by gigabytes when only body bytes were counted.
    static let maxQueued = 32

    private let watch: ConnectionWatch
    private var codec: HTTPServerCodec
    private var context: ChannelHandlerContext?
    private var ready = CircularBuffer<(incoming: Incoming, bytes: Int, streams: Bool)>(initialCapacity: 2)
    private var readyBytes = 0
    /// The next request, until its body is whole (or long enough to stream); `continueHead` is the `100 Continue`
    /// its client waits for before it sends the body.
    /// `streams`: the body goes to the task as a stream from the head on (its client waits for `100 Continue`, or
    /// its declared length is past `collectLimit`), so a length past the body limit is answered before the body.
    private var assembling: (head: InboundHead, body: ByteBuffer, continueHead: ByteBuffer?, streams: Bool)?
    /// A `100 Continue` the codec asked for, for the head it emits next.
    private var continueAsked: ByteBuffer?
    private var stream: RequestBodyStream?
    private var nextStreamID = 0
    private var requestWaiter: UnsafeContinuation<Incoming?, Never>?
    private var writableWaiter: UnsafeContinuation<Void, any Error>?
    /// No more requests will come: the client closed its side, the connection dropped or the bytes were not HTTP.
    private var inputDone = false
    private var active = true
    private var quiescing = false
    private var readHeld = false
    /// The client closed its side (or the connection dropped).
    private var peerClosed = false
    /// The answer being written closes the connection: its request's body cannot be read to its end (see
    /// `unreadBodyBlocksReuse`).
    private var closeAfterAnswer = false
    /// Closing: the output is shut after the last answer, and what the client still sends is dropped (see
    /// `closeGracefully`).
    private var linger: LingeringClose?
    private var lingering: Bool { linger != nil }
    /// What the connection waits for from its client; its one timer closes a connection that waits too long.
    private var clock: ClientClock
    private var timer: Scheduled<Void>?

    init(watch: ConnectionWatch, codec: HTTPServerCodec, timeouts: ClientTimeouts = ClientTimeouts()) {
        self.watch = watch
        self.codec = codec
        clock = ClientClock(timeouts: timeouts, now: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(context: context, at: .now() + clock.timeouts.header)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
        timer = nil
    }

    // MARK: Client timeouts

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { bound.value.timerFired() }
    }

    /// A slow or silent client is closed: one whose head does not arrive in time (a slow-header flood would
    /// otherwise hold every descriptor), whose body stops, or whose keep-alive connection sat idle.
    private func timerFired() {
        guard active, !lingering, let context else { return }
        let pending = assembling != nil || (stream?.awaitsBytes ?? false)
        let wait = clock.wait(bodyPending: pending, taskReadsBody: stream?.taskWaits ?? false)
        let now = NIODeadline.now()
        if let due = clock.deadline(of: wait), due <= now {
            context.close(promise: nil)
            return
        }
        let shortest = min(clock.timeouts.header, clock.timeouts.body, clock.timeouts.idle)
        arm(context: context, at: clock.deadline(of: wait) ?? now + shortest)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if linger != nil {
            if !linger!.read(unwrapInboundIn(data).readableBytes, now: .now()) { endLinger() }
            return
        }
        clock.bytesArrived(now: .now(), inBody: assembling != nil || stream?.ended == false)
        do {
            try codec.read(unwrapInboundIn(data)) { interim in
                continueAsked = interim
            } emit: { part in
                handle(part)
            }
        } catch {
            malformed()
        }
    }

    private func handle(_ part: ServerRequestPart) {
        guard !lingering else { return }  // closed in the middle of this read: the rest is dropped
        switch part {
        case .head(let head):
            clock.headArrived()
            let long = head.value(of: .contentLength).flatMap { Int($0) }.map { $0 > Self.collectLimit } ?? false
            assembling = (head, ByteBuffer(), continueAsked, continueAsked != nil || long)
            if continueAsked != nil || long {
                // Handed to the task at once, its body as a stream: it asks for the body if it wants it.
                continueAsked = nil
                startStream()
            }
        case .body(let bytes):
            receive(bytes)
        case .end:
            if stream?.ended == false {
                guard stream!.receiveEnd() else {
                    stream = nil  // its request was answered: nothing waits for it
                    return resumeReading()
                }
                wakeBodyWaiter()
            } else if let (head, body, _, _) = assembling {
                assembling = nil
                enqueue(.request(head, RequestBody(buffer: body), whole: body), bytes: body.readableBytes)
            }
        }
    }

    private func receive(_ bytes: ByteBuffer) {
        if stream?.ended == false {
            switch stream!.receive(bytes, discardLimit: Self.discardLimit) {
            case .buffered: wakeBodyWaiter()
            case .dropped: break
            case .overLimit: closeGracefully()
            }
            return
        }
        guard assembling != nil else { return }
        assembling!.continueHead = nil
        if assembling!.body.readableBytes == 0 {
            assembling!.body = bytes  // the usual whole body in one read: its slice of the read buffer, no copy
        } else {
            assembling!.body.writeImmutableBuffer(bytes)  // in place: a copy out and back would copy the whole body
        }
        startStream()
    }

    /// A body past the collect limit, or one whose client waits for `100 Continue`, becomes a stream, once the
    /// previous stream is released.
    private func startStream() {
        guard let request = assembling, request.streams || request.body.readableBytes > Self.collectLimit,
            stream == nil
        else { return }
        assembling = nil
        let id = nextStreamID
        nextStreamID += 1
        stream = RequestBodyStream(
            id: id, length: request.head.value(of: .contentLength).flatMap { Int($0) }, first: request.body,
            continueHead: request.continueHead)
        let body = RequestBody(asyncSequence: ConnectionBodyStream(connection: connection, id: id))
        enqueue(.request(request.head, body, whole: nil), bytes: 0, streams: true)
    }

    private func enqueue(_ incoming: Incoming, bytes: Int, streams: Bool = false) {
        if let waiter = requestWaiter {
            requestWaiter = nil
            clock.taskTookRequest()
            if streams { stream?.delivered = true }
            waiter.resume(returning: incoming)
        } else {
            ready.append((incoming, bytes, streams))
            readyBytes += bytes
        }
    }

    /// A socket error (parse errors are thrown by the codec, not caught here): the connection goes.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The bytes were not HTTP/1.1: the task answers 400 and closes.
    private func malformed() {
        inputDone = true
        assembling = nil
        failStream()
        enqueue(.malformed, bytes: 0)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if lingering { return endLinger() }
            // Idle: nothing is being answered, so the connection can go now; else after the answer in progress.
            if let waiter = requestWaiter {
                requestWaiter = nil
                waiter.resume(returning: nil)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputGone()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        do {
            try codec.inputClosed()
        } catch {
            malformed()
        }
        active = false
        inputGone()
        if let waiter = writableWaiter {
            writableWaiter = nil
            waiter.resume(throwing: Closed())
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let waiter = writableWaiter {
            writableWaiter = nil
            waiter.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    /// The client closed its side or the connection dropped: the task's work for it can stop.
    private func inputGone() {
        peerClosed = true
        if lingering { endLinger() }
        inputDone = true
        assembling = nil
        failStream()
        if ready.isEmpty, let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(returning: nil)
        }
        watch.close()
    }

    // MARK: Outbound (writes pass on by NIO's default; reads are held for back-pressure)

    func read(context: ChannelHandlerContext) {
        if lingering {
            context.read()
        } else if pendingBytes >= Self.highWater || waitingForStream || ready.count >= Self.maxQueued {
            readHeld = true
        } else {
            context.read()
        }
    }

    private var pendingBytes: Int { readyBytes + (stream?.buffered ?? 0) + (assembling?.body.readableBytes ?? 0) }

    /// A long body waits for the stream before it, which its request has not released yet.
    private var waitingForStream: Bool {
        guard let request = assembling else { return false }
        return request.streams || request.body.readableBytes > Self.collectLimit
    }

    private func resumeReading() {
        guard readHeld, pendingBytes < Self.highWater, !waitingForStream, ready.count < Self.maxQueued, let context
        else { return }
        readHeld = false
        clock.readsResumed(now: .now())
        context.read()
    }
}

// MARK: - Called by the connection's task (through `HTTPConnection`)

extension HTTPConnectionHandler {
    /// The connection's façade for its task.
    var connection: HTTPConnection {
        HTTPConnection(handler: NIOLoopBound(self, eventLoop: context!.eventLoop))
    }

    /// Hands the task its next request (the previous one is answered), or nil when the connection is done.
    func nextRequest(_ waiter: UnsafeContinuation<Incoming?, Never>) {
        releaseStream()
        // A request already read is answered even while shutting down (its answer closes the connection); only an
        // idle connection ends at once.
        if let (incoming, bytes, streams) = ready.popFirst() {
            readyBytes -= bytes
            clock.taskTookRequest()
            if streams { stream?.delivered = true }
            resumeReading()
            waiter.resume(returning: incoming)
        } else if inputDone || quiescing {
            waiter.resume(returning: nil)
        } else {
            requestWaiter = waiter
            clock.taskWaits(now: .now())
        }
    }

    /// The next part of the streamed body `id`; nil at its end.
    func nextBodyPart(of id: Int, _ waiter: RequestBodyStream.Waiter) {
        guard stream?.id == id else { return waiter.resume(returning: nil) }
        if let interim = stream!.takeContinueHead(), let context {
            // The body is wanted: now the client may send it (and the wait until now was ours, not the client's).
            clock.readsResumed(now: .now())
            context.writeAndFlush(wrapOutboundOut(interim), promise: nil)
        }
        switch stream!.take(waiter) {
        case .part(let part):
            resumeReading()
            waiter.resume(returning: part)
        case .failed: waiter.resume(throwing: Closed())
        case .end: waiter.resume(returning: nil)
        case .wait: break
        }
    }

    private func wakeBodyWaiter() {
        guard let id = stream?.id, let waiter = stream!.takeWaiter() else { return }
        nextBodyPart(of: id, waiter)
    }

    private func failStream() {
        if let waiter = stream?.fail() { waiter.resume(throwing: Closed()) }
    }

    /// The answered request's stream goes; what it did not read is dropped, and a long body waiting behind it
    /// may start.
    private func releaseStream() {
        guard stream?.delivered == true else { return }
        if stream!.release() { stream = nil }
        startStream()
        resumeReading()
    }

    /// The request being answered left its body unread, and the rest cannot be read and dropped to keep the
    /// connection: its client waits for a `100 Continue` it will not get, or more than `discardLimit` is to come.
    private var unreadBodyBlocksReuse: Bool {
        stream?.blocksReuse(discardLimit: Self.discardLimit) ?? false
    }

    /// Writes one part of an answer; false when the channel is over its write buffer and the task should wait.
    func write(_ part: ServerResponsePart, flush: Bool) throws(Closed) -> Bool {
        guard active, !lingering, let context else { throw Closed() }
        let last: Bool
        switch part {
        case .head(let response):
            // Shutting down: the answer says the connection closes, so a proxy sends no further request on it.
            if response.status.code >= 200 && (unreadBodyBlocksReuse || quiescing) { closeAfterAnswer = true }
            last = false
        case .complete:
            if unreadBodyBlocksReuse || quiescing { closeAfterAnswer = true }
            last = true
        case .end: last = true
        case .body: last = false
        }
        let output = codec.encode(part, allocator: context.channel.allocator, closing: closeAfterAnswer)
        if let bytes = output.bytes { context.write(wrapOutboundOut(bytes), promise: nil) }
        if output.thenClose || (last && closeAfterAnswer) {
            // An answer delimited by the close, or one that says the connection closes: the close follows it.
            closeAfterAnswer = false
            closeGracefully()
            return true
        } else if flush {
            context.flush()
        }
        return context.channel.isWritable
    }

    /// Resumes once the channel can take more (or throws when it closed).
    func waitWritable(_ waiter: UnsafeContinuation<Void, any Error>) {
        guard active, let context else { return waiter.resume(throwing: Closed()) }
        context.flush()  // a body of known length is flushed at its end: what is held must go out first
        if context.channel.isWritable { return waiter.resume() }
        writableWaiter = waiter
    }

    /// Closes the connection after what was written (see `closeGracefully`).
    func close() {
        closeGracefully()
    }

    /// Closes after what was written, without a reset: the output is shut once the answers are out (the client reads
    /// them, then the end), and what the client still sends is read and dropped until it closes its side, for
    /// `lingerTime` or `discardLimit` bytes at most (nginx's lingering close). Closing at once with bytes unread in
    /// the socket sends a reset, and the client's kernel drops the answer it had not read yet: a client that writes
    /// its whole 40 MiB body before it reads saw "connection reset by peer" instead of its 413.
    private func closeGracefully() {
        guard active, !lingering, let context else { return }
        linger = LingeringClose(time: Self.lingerTime, timeout: Self.lingerTimeout, limit: Self.discardLimit)
        inputDone = true
        assembling = nil
        ready.removeAll()
        readyBytes = 0
        failStream()
        stream = nil
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(returning: nil)
        }
        timer?.cancel()
        timer = nil
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let shut = context.eventLoop.makePromise(of: Void.self)
        shut.futureResult.whenComplete { result in
            // Shut once what was written went out (however long a slow reader takes); then the client has a while.
            guard case .success = result, !bound.value.peerClosed, !bound.value.quiescing else {
                return bound.value.endLinger()
            }
            bound.value.armLingerTimer()
        }
        context.flush()
        context.close(mode: .output, promise: shut)
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Closes once the client was silent for `lingerTimeout`, or after `lingerTime` however much it sends.
    private func armLingerTimer() {
        guard active, let context, linger != nil else { return }
        armLinger(context: context, at: linger!.outputShut(now: .now()))
    }

    private func armLinger(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { bound.value.lingerTimerFired() }
    }

    private func lingerTimerFired() {
        guard active, let context, let linger else { return }
        switch linger.fired(now: .now()) {
        case .close: endLinger()
        case .rearm(let due): armLinger(context: context, at: due)
        case .none: break
        }
    }

    /// The lingering close is over: the client closed its side, went quiet too long, sent too much, or the server
    /// is shutting down.
    private func endLinger() {
        guard active, let context else { return }
        timer?.cancel()
        timer = nil
        context.close(promise: nil)
    }
}
