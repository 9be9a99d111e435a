import ArgumentParser
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// The floor for an HTTP proxy whose upstream calls go through AsyncHTTPClient, as the gateway's do: requests
/// parsed by NIOHTTP1's server pipeline, each sent upstream by an AsyncHTTPClient of the connection's own event loop
/// (its delegate API, callbacks on that loop, tracing off), the answer collected and written back in one flush. No
/// authentication, routing, usage row or journal. `scripts/bench.d/floor.py` measures it beside nginx, the bare
/// relay and the gateway: what the gateway's own work adds is the gap between this and the gateway.
struct ClientRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-relay",
        abstract: "Proxy HTTP on 127.0.0.1:PORT to 127.0.0.1:UPSTREAM through AsyncHTTPClient until stopped.")
    @Option(help: "Port to listen on (127.0.0.1).") var port: Int
    @Option(help: "Port of the upstream (127.0.0.1).") var upstream: Int

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var clients: [ObjectIdentifier: HTTPClient] = [:]
        for loop in group.makeIterator() {
            var configuration = HTTPClient.Configuration()
            configuration.tracing.tracer = nil
            configuration.connectionPool = .init(idleTimeout: .seconds(60))
            clients[ObjectIdentifier(loop)] = HTTPClient(eventLoopGroup: loop, configuration: configuration)
        }
        let table = clients
        let base = "http://127.0.0.1:\(upstream)"
        try await serveLoopback(port: port) { channel in
            let client = table[ObjectIdentifier(channel.eventLoop)]!
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(ClientRelayFront(client: client, base: base))
        }
    }
}

/// One client connection: collects each request and sends it upstream; answers are written in request order
/// because a request is read only after the previous answer was written (HTTP/1.1 without pipelining).
private final class ClientRelayFront: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let client: HTTPClient
    let base: String
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var templates: [String: HTTPClient.Request] = [:]

    init(client: HTTPClient, base: String) {
        self.client = client
        self.base = base
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var part):
            body?.writeBuffer(&part)
        case .end:
            guard let head, let body else { return }
            forward(head, body: body, context: context)
        }
    }

    private func forward(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        // Built once per path and method, as the gateway prepares a target's request once: URL parsing is not
        // part of the floor.
        let key = "\(head.method) \(head.uri)"
        var request: HTTPClient.Request
        if let template = templates[key] {
            request = template
        } else {
            do {
                request = try HTTPClient.Request(url: base + head.uri, method: head.method)
            } catch {
                return context.close(promise: nil)
            }
            request.headers.add(name: "content-type", value: "application/json")
            templates[key] = request
        }
        request.body = .byteBuffer(body)
        let collector = ClientRelayCollector(
            channel: context.channel, keepAlive: head.isKeepAlive, allocator: context.channel.allocator)
        _ = client.execute(request: request, delegate: collector, eventLoop: .delegate(on: context.eventLoop))
    }
}

/// Collects an upstream answer on the connection's loop and writes it to the client in one flush.
private final class ClientRelayCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    let channel: any Channel
    let keepAlive: Bool
    private var status: HTTPResponseStatus = .badGateway
    private var contentType = "application/json"
    private var body: ByteBuffer

    init(channel: any Channel, keepAlive: Bool, allocator: ByteBufferAllocator) {
        self.channel = channel
        self.keepAlive = keepAlive
        body = allocator.buffer(capacity: 0)
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = head.status
        contentType = head.headers.first(name: "content-type") ?? contentType
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        var buffer = buffer
        body.writeBuffer(&buffer)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.readableBytes))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        if !keepAlive { channel.close(promise: nil) }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        channel.close(promise: nil)
    }
}
