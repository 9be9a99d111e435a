import NIOCore
import NIOHTTP1
import NIOPosix

/// One client HTTP/1.1 connection under the test's control (AsyncHTTPClient hides reuse): every request goes out
/// on it, requests can be pipelined, and leaving `open`'s body closes it.
struct RawHTTPConnection {
    /// One response, read to its end.
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    /// The connection ended before a whole response arrived.
    struct Closed: Error {}

    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    let port: Int

    /// Connects to 127.0.0.1:`port`, runs `body`, and closes the connection.
    static func open<T>(port: Int, _ body: (inout RawHTTPConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawHTTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound, port: port)
            return try await body(&connection)
        }
    }

    /// Sends a POST of `json` to `path` with the test key; does not wait for the answer.
    func post(_ path: String, json: String, key: String = TestGateway.key) async throws {
        let body = ByteBuffer(string: json)
        let head = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: path,
            headers: [
                "host": "127.0.0.1:\(port)", "authorization": "Bearer \(key)", "content-type": "application/json",
                "content-length": "\(body.readableBytes)",
            ])
        try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
    }

    /// Sends a request head and its body in the given parts (chunked when `length` is nil), pausing between parts.
    func send(
        _ path: String, length: Int?, parts: [ByteBuffer], pause: Duration = .zero, key: String = TestGateway.key
    ) async throws {
        var headers: HTTPHeaders = [
            "host": "127.0.0.1:\(port)", "authorization": "Bearer \(key)", "content-type": "application/json",
        ]
        if let length {
            headers.add(name: "content-length", value: "\(length)")
        } else {
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)))
        for part in parts {
            try await outbound.write(.body(.byteBuffer(part)))
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        try await outbound.write(.end(nil))
    }

    /// Sends an OpenAI chat request for `model`.
    func chat(_ model: String, stream: Bool) async throws {
        try await post(
            "/v1/chat/completions",
            json: #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#)
    }

    /// Reads the next response's head.
    mutating func head() async throws -> HTTPResponseHead {
        guard case .head(let head) = try await inbound.next() else { throw Closed() }
        return head
    }

    /// Reads the next body part of the current response; nil at its end.
    mutating func bodyPart() async throws -> ByteBuffer? {
        switch try await inbound.next() {
        case .body(let buffer): return buffer
        case .end: return nil
        case .head, nil: throw Closed()
        }
    }

    /// Reads the next whole response.
    mutating func reply() async throws -> Reply {
        let head = try await head()
        var body = ""
        while let part = try await bodyPart() { body += String(buffer: part) }
        return Reply(status: Int(head.status.code), headers: head.headers, body: body)
    }
}
