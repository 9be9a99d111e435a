import Logging
import NIOCore
import NIOHTTP1

/// One client connection: reads requests, answers them in order, and notices the client leaving.
struct MockConnection: Sendable {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    let upstream: MockUpstream
    let logger: Logger

    /// Serves requests until the client closes, a reset is injected, or the task is cancelled.
    func serve(_ connection: Channel) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                // Racing the request loop against the channel closing lets a client that goes away
                // mid-stall or mid-stream cancel the mock's work at once.
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await channel.closeFuture.get() }
                    group.addTask { await serveRequests(inbound, outbound) }
                    await group.next()
                    group.cancelAll()
                    channel.close(promise: nil)
                }
            }
        } catch {
            logger.debug("mock connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func serveRequests(_ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>, _ outbound: Outbound) async {
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        do {
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.removeAll(keepingCapacity: true)
                case .body(let buffer):
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let h = head else { continue }
                    head = nil
                    guard try await respond(to: h, body: body, outbound) else { return }
                }
            }
        } catch {
            logger.debug("mock request loop ended", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one request; false means "close the connection now".
    private func respond(to head: HTTPRequestHead, body: [UInt8], _ outbound: Outbound) async throws -> Bool {
        let request = MockRequest(method: head.method.rawValue, path: head.uri,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: body)
        let response: MockResponse
        do {
            response = try await upstream.handle(request)
        } catch MockError.resetBeforeFirstByte {
            return false
        }
        var headers = HTTPHeaders(response.headers)
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        switch response.body {
        case .bytes(let bytes):
            headers.replaceOrAdd(name: "content-length", value: String(bytes.count))
            let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
            try await outbound.write(contentsOf: [.head(responseHead), .body(.byteBuffer(ByteBuffer(bytes: bytes))), .end(nil)])
            return keepAlive
        case .stream(let chunks):
            let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
            try await outbound.write(.head(responseHead))
            do {
                for try await chunk in chunks {
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                }
            } catch MockError.reset {
                return false
            }
            try await outbound.write(.end(nil))
            return keepAlive
        }
    }
}
