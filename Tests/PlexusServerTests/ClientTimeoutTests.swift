import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import PlexusServer

/// Issue 18, point 2: a client that is slow to send its head, stops sending its body, or sits idle on a
/// keep-alive connection is closed after the configured time; a slow answer from the gateway is never cut.
@Suite("Client timeouts", .serialized, .timeLimit(.minutes(2)))
struct ClientTimeoutTests {
    static let yaml = """
        server: { header_timeout_seconds: 0.6, body_timeout_seconds: 0.6, idle_timeout_seconds: 1 }
        providers:
          a: { api_base_url: "mock://" }
        models:
          fast: { targets: [ { provider: a, model: demo-fast } ] }
          slow: { targets: [ { provider: a, model: "mock:ttft=2000" } ] }
        keys:
          tester: { secret: "${TEST_KEY}" }
        """

    /// Connects, runs `send` (which writes what it likes), then reads until the server closes; returns the bytes
    /// read and how long after `send` finished the close came.
    static func exchange(
        port: Int, _ send: (NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Void
    ) async throws -> (text: String, closedAfter: Duration) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await send(outbound)
            let sent = ContinuousClock.now
            var text = ""
            do {
                for try await chunk in inbound { text += String(buffer: chunk) }
            } catch {}  // a reset is a close too
            return (text, ContinuousClock.now - sent)
        }
    }

    static func request(_ model: String) -> String {
        let body = #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#
        return "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer \(TestGateway.key)\r\n"
            + "content-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n" + body
    }

    @Test func aHeadSentOneByteAtATimeIsCutAtTheHeaderTimeout() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let started = ContinuousClock.now
            let head = Array("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-pad: ".utf8)
            let result = try await Self.exchange(port: gw.port) { out in
                // Slow-header flood: a byte every 50 ms would take ~3 s; the server must not wait for it.
                for byte in head {
                    do { try await out.write(ByteBuffer(bytes: [byte])) } catch { return }
                    try await Task.sleep(for: .milliseconds(50))
                    if ContinuousClock.now - started > .seconds(5) { return }
                }
            }
            #expect(ContinuousClock.now - started < .seconds(5), "closed while the head still dripped in")
            #expect(result.text.isEmpty || result.text.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test func aBodyThatStopsIsCutAtTheBodyTimeout() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let result = try await Self.exchange(port: gw.port) { out in
                let head = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"model\":"
                try await out.write(ByteBuffer(string: head))
            }
            #expect(
                result.closedAfter >= .milliseconds(500) && result.closedAfter < .seconds(5), "\(result.closedAfter)")
        }
    }

    @Test func anIdleKeepAliveConnectionClosesAfterTheIdleTimeout() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let result = try await Self.exchange(port: gw.port) { out in
                try await out.write(ByteBuffer(string: Self.request("fast")))
            }
            #expect(result.text.hasPrefix("HTTP/1.1 200"), "\(result.text.prefix(200))")
            #expect(
                result.closedAfter >= .milliseconds(900) && result.closedAfter < .seconds(6), "\(result.closedAfter)")
        }
    }

    @Test func aSlowAnswerIsNotCutByTheClientsTimeouts() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(30)) { gw in
            let result = try await Self.exchange(port: gw.port) { out in
                try await out.write(ByteBuffer(string: Self.request("slow")))
            }
            // 2 s of upstream silence, longer than every client timeout: the answer still arrives in full.
            #expect(result.text.hasPrefix("HTTP/1.1 200"), "\(result.text.prefix(200))")
            #expect(result.text.contains("chat.completion"))
        }
    }

    @Test func theClockTimesOnlyWaitsOnTheClient() {
        let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)
        var clock = ClientClock(
            timeouts: ClientTimeouts(header: .seconds(10), body: .seconds(30), idle: .seconds(75)),
            now: t0)
        clock.taskWaits(now: t0)
        #expect(
            clock.wait(bodyPending: false, taskReadsBody: false) == .head(since: t0), "a new connection's first head")
        clock.bytesArrived(now: t0 + .seconds(1), inBody: false)
        clock.bytesArrived(now: t0 + .seconds(2), inBody: false)
        #expect(
            clock.deadline(of: clock.wait(bodyPending: false, taskReadsBody: false)) == t0 + .seconds(11),
            "from the head's first byte, not per byte")
        clock.headArrived()
        clock.taskTookRequest()
        #expect(clock.wait(bodyPending: false, taskReadsBody: false) == .nothing, "answering: nothing timed")
        clock.taskWaits(now: t0 + .seconds(20))
        #expect(clock.wait(bodyPending: false, taskReadsBody: false) == .idle(since: t0 + .seconds(20)))
    }
}

/// Issue 18, point 2: `server.max_connections`; more clients wait (in the kernel's backlog) until one leaves.
@Suite("Connection cap", .timeLimit(.minutes(2)))
struct ConnectionCapTests {
    @Test func aClientOverTheCapWaitsUntilAConnectionCloses() async throws {
        let yaml = ClientTimeoutTests.yaml.replacingOccurrences(
            of: "idle_timeout_seconds: 1 }",
            with: "idle_timeout_seconds: 30, header_timeout_seconds: 30, max_connections: 2 }"
        )
        .replacingOccurrences(of: "header_timeout_seconds: 0.6, ", with: "")
        #expect(yaml.contains("max_connections: 2"))
        try await TestGateway.with(yaml: yaml, timeout: .seconds(60)) { gw in
            let group = MultiThreadedEventLoopGroup.singleton
            func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
                try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: gw.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            }
            let first = try await connect()
            let second = try await connect()
            try await Task.sleep(for: .seconds(1))  // both accepted (a loaded host accepts late): the cap is reached
            let third = try await connect()  // completes in the kernel's backlog
            try await third.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: ClientTimeoutTests.request("fast")))
                let answered = Mutex(false)
                let reader = Task {
                    var iterator = inbound.makeAsyncIterator()
                    let chunk = try await iterator.next()
                    answered.withLock { $0 = true }
                    return chunk.map { String(buffer: $0) } ?? ""
                }
                try await Task.sleep(for: .seconds(1))
                #expect(!answered.withLock { $0 }, "the third client was not served while two were open")
                try await first.channel.close()
                let answer = try await reader.value
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(120))")
            }
            try await second.channel.close()
        }
    }
}
