import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import PlexusExecution
import PlexusHTTP

/// The gateway's HTTP/1.1 connections: our codec and connection handler in the pipeline, and a connection loop
/// that hands each request to the responder and writes its answer.
///
/// Hummingbird's own HTTP/1 channel passes every request part and answer part through NIOAsyncChannel; this one
/// keeps Hummingbird's server (listening, graceful shutdown) and its router, and talks to the channel through
/// `HTTPConnectionHandler`. The connection's task runs on the channel's event loop (task executor preference) and
/// is cancelled as soon as the client goes away, which cancels whatever it awaits for the client (an upstream call,
/// a stream relay); nothing is watched per request.
struct GatewayHTTP1Channel<Responder: GatewayResponder>: ServerChildChannel {
    /// A connection as its task sees it.
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let connection: HTTPConnection
        let watch: ConnectionWatch
        let keyMemo = KeyMemo()
    }

    let responder: Responder
    let limits: HTTPRequestParser.Limits
    let serverName: String
    let timeouts: ClientTimeouts
    let limiter: ConnectionLimiter

    static var badRequest: HTTPResponse {
        HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            limiter.opened(channel)
            let watch = ConnectionWatch()
            let handler = HTTPConnectionHandler(
                watch: watch, codec: HTTPServerCodec(limits: limits, serverName: serverName), timeouts: timeouts)
            try channel.pipeline.syncOperations.addHandler(handler)
            return Value(channel: channel, connection: handler.connection, watch: watch)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            // On the channel's own loop as task executor: no thread hops between the socket and the handler.
            group.addTask(executorPreference: EventLoopTaskExecutor.of(value.channel.eventLoop)) {
                await serve(value, logger: logger)
                value.watch.close()
            }
            await value.watch.closed()
            group.cancelAll()
            value.connection.close()
        }
    }

    /// Answers the connection's requests in order until it is done.
    private func serve(_ value: Value, logger: Logger) async {
        let connection = value.connection
        while let incoming = await connection.next() {
            switch incoming {
            case .malformed:
                logger.debug("HTTP parse error, closing connection")
                try? await connection.write(.head(Self.badRequest), flush: false)
                try? await connection.write(.end(nil), flush: true)
                return connection.close()
            case .request(let head, let body, let whole):
                let answer = await respond(to: head, body: body, wholeBody: whole, value: value, logger: logger)
                do {
                    try await write(answer, to: connection)
                } catch {
                    logger.trace("Failed to write to the connection", metadata: ["error.type": "\(error)"])
                    return connection.close()
                }
                if head.closeAfter { return connection.close() }
            }
        }
        connection.close()
    }

    /// The responder's answer; an error it did not turn into one is a 500 (as Hummingbird's application does).
    private func respond(
        to head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, value: Value, logger: Logger
    ) async -> GatewayAnswer {
        do {
            return try await responder.answer(
                head, body: body, wholeBody: wholeBody, keyMemo: value.keyMemo, channel: value.channel, logger: logger)
        } catch {
            logger.debug("Unrecognised Error", metadata: ["error.type": "\(error)"])
            return .response(Response(status: .internalServerError, body: .init()))
        }
    }

    private func write(_ answer: GatewayAnswer, to connection: HTTPConnection) async throws {
        switch answer {
        case .json(let json, let then):
            // The usage row before the answer: a process killed once the client has its answer must not lose the
            // row (it is journaled as it is recorded), whether or not the write succeeds. The rest waits for the
            // write.
            let settlement = then?.storeRow()
            defer { settlement?.run() }
            try await connection.write(.complete(json.encoded), flush: true)
        case .response(let response): try await write(response, to: connection)
        }
    }

    private func write(_ response: Response, to connection: HTTPConnection) async throws {
        let streams = response.body.contentLength == nil
        do {
            try await connection.write(.head(response.head), flush: streams)
        } catch {
            // The body runs anyway, into a writer that refuses: bodies finish their request's bookkeeping (the
            // usage row) when their writes end, and a client gone before the head must not lose its row.
            try? await response.body.write(RefusingBodyWriter())
            throw error
        }
        try await response.body.write(ConnectionBodyWriter(connection: connection, flushEachPart: streams))
    }
}

extension HTTPServerBuilder {
    /// The gateway's HTTP/1.1 connections (see `GatewayHTTP1Channel`), answered by `responder`.
    static func gatewayHTTP1<Responder: GatewayResponder>(
        responder: Responder, serverName: String, timeouts: ClientTimeouts = ClientTimeouts(),
        limiter: ConnectionLimiter = ConnectionLimiter(max: 10000),
        limits: HTTPRequestParser.Limits = .init(maxHeadBytes: 88 * 1024, maxHeaderFields: 1000)
    ) -> HTTPServerBuilder {
        .init { _ in
            GatewayHTTP1Channel(
                responder: responder, limits: limits, serverName: serverName, timeouts: timeouts, limiter: limiter)
        }
    }
}
