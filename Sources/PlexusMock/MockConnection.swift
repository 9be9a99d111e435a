import Logging
import NIOCore
import NIOHTTP1

/// One client connection: reads requests, answers them in order, and notices the client leaving.
///
/// Requests are decoded by NIOHTTP1; answers are encoded here (`MockResponseEncoder`) and written as
/// raw bytes (`MockWireSink`), so a behaviour's wire options can shape every byte.
struct MockConnection: Sendable {
    /// Outbound bytes go through `MockWireSink` (straight to the channel), not the async writer.
    typealias AsyncChannel = NIOAsyncChannel<HTTPServerRequestPart, ByteBuffer>

    let upstream: MockUpstream
    let logger: Logger

    /// Serves requests until the client closes, the mock closes or resets, or the task is cancelled.
    func serve(_ connection: AsyncChannel) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, _ in
                // Racing the request loop against the channel closing lets a client that goes away
                // mid-stall, mid-stream or mid-drip cancel the mock's work at once.
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await channel.closeFuture.get() }
                    group.addTask { await serveRequests(inbound, channel) }
                    await group.next()
                    group.cancelAll()
                    channel.close(promise: nil)
                }
            }
        } catch {
            logger.debug("mock connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func serveRequests(_ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>, _ channel: any Channel)
        async
    {
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        // Requests this connection has carried, for `recycle=N`.
        var served = 0
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
                    served += 1
                    guard try await respond(to: h, body: body, ordinal: served, channel) else { return }
                }
            }
        } catch is HTTPParserError {
            // Requests are only read between answers, so no response is in flight here.
            try? await channel.writeAndFlush(ByteBuffer(bytes: MockResponseEncoder.badRequest))
        } catch {
            logger.debug("mock request loop ended", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one request; false means "the connection is done" (closed or reset, or to be closed now).
    private func respond(to head: HTTPRequestHead, body: [UInt8], ordinal: Int, _ channel: any Channel) async throws
        -> Bool
    {
        let request = MockRequest(
            method: head.method.rawValue, path: head.uri,
            headers: head.headers.map { ($0.name, $0.value) }, body: body)
        let response: MockResponse
        do {
            response = try await upstream.handle(request)
        } catch MockError.resetBeforeFirstByte {
            return false
        }
        let plan = MockWirePlan(
            request: head, wire: response.wire, requestOrdinal: ordinal, streaming: response.body.isStream)
        var sink = MockWireSink(channel: channel, plan: plan)
        do {
            try await write(response, plan, &sink)
        } catch is MockWireSink.ConnectionReset {
            return false
        } catch MockError.reset {
            // `reset_after`: the body is cut here; closing ends the connection (FIN).
            return false
        }
        switch plan.after {
        case .keepAlive: return true
        case .close: return false
        case .reset:
            // `reset_at` larger than the whole response: the answer went out, the reset still comes.
            await sink.reset()
            return false
        }
    }

    private func write(_ response: MockResponse, _ plan: MockWirePlan, _ sink: inout MockWireSink) async throws {
        if plan.malformedHead {
            try await sink.send(ByteBuffer(bytes: MockResponseEncoder.malformedHead))
            return
        }
        switch response.body {
        case .bytes(let bytes):
            var out = sink.buffer(capacity: bytes.count + 256)
            MockResponseEncoder.head(
                status: response.status, headers: response.headers, plan: plan,
                contentLength: bytes.count, into: &out)
            out.writeBytes(bytes)
            try await sink.send(out)
        case .stream(let chunks):
            var head = sink.buffer(capacity: 256)
            MockResponseEncoder.head(
                status: response.status, headers: response.headers, plan: plan,
                contentLength: 0, into: &head)
            try await sink.send(head)
            for try await chunk in chunks {
                var out = sink.buffer(capacity: chunk.count + 12)
                MockResponseEncoder.chunk(chunk, framing: plan.framing, into: &out)
                try await sink.send(out)
            }
            var end = sink.buffer(capacity: 5)
            MockResponseEncoder.end(framing: plan.framing, into: &end)
            try await sink.send(end)
        }
    }
}

extension MockBody {
    /// Whether the body is streamed (its length is not known before the head goes out).
    var isStream: Bool {
        if case .stream = self { return true }
        return false
    }
}
