import NIOHTTP1
import PlexusStorage
import Testing

@testable import PlexusServer

/// Watching for disconnects must not cost the client its keep-alive connection, nor mistake a pipelined request
/// for the client leaving.
@Suite("Connection reuse", .serialized, .timeLimit(.minutes(1)))
struct ConnectionReuseTests {
    static let yaml = """
        providers:
          a: { api_base_url: "mock://" }
        models:
          fast: { targets: [ { provider: a, model: demo-fast } ] }
          medium: { targets: [ { provider: a, model: "mock:ttft=300" } ] }
          slow: { targets: [ { provider: a, model: "mock:ttft=1200" } ] }
        keys:
          tester: { secret: "${TEST_KEY}" }
        routing: { sticky_sessions: false }
        """

    @Test func twoStreamsOneAfterTheOtherShareOneConnection() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(20)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                for _ in 0..<2 {
                    try await connection.chat("fast", stream: true)
                    let reply = try await connection.reply()
                    #expect(reply.status == 200)
                    #expect(!Self.saysClose(reply.headers), "\(reply.headers)")
                    #expect(reply.body.contains("data: [DONE]"))
                }
            }
            try await Self.expectSuccessRows(2, gw)
        }
    }

    /// The first answer takes longer than a second (the old watch's grace), the second is fast.
    @Test func twoUnaryRequestsOneSlowShareOneConnection() async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(20)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                for model in ["slow", "fast"] {
                    try await connection.chat(model, stream: false)
                    let reply = try await connection.reply()
                    #expect(reply.status == 200, "\(model): \(reply.body)")
                    #expect(!Self.saysClose(reply.headers), "\(model): \(reply.headers)")
                }
            }
            try await Self.expectSuccessRows(2, gw)
        }
    }

    /// The second request's head arrives while the first is still waiting for its upstream: not a close.
    @Test(arguments: [false, true])
    func aPipelinedRequestDoesNotCancelTheOneBeforeIt(stream: Bool) async throws {
        try await TestGateway.with(yaml: Self.yaml, timeout: .seconds(20)) { gw in
            try await RawHTTPConnection.open(port: gw.port) { connection in
                try await connection.chat("medium", stream: stream)
                try await connection.chat("fast", stream: stream)
                for _ in 0..<2 {
                    let reply = try await connection.reply()
                    #expect(reply.status == 200, "\(reply.body)")
                    #expect(!Self.saysClose(reply.headers))
                }
            }
            try await Self.expectSuccessRows(2, gw)
        }
    }

    static func saysClose(_ headers: HTTPHeaders) -> Bool {
        headers["connection"].contains { $0.lowercased().contains("close") }
    }

    static func expectSuccessRows(_ count: Int, _ gw: TestGateway) async throws {
        let rows = try await gw.rowsWhenWritten(count)
        #expect(rows.count == count)
        #expect(rows.allSatisfy { $0.outcome == .success }, "\(rows.map { ($0.outcome, $0.errorText ?? "") })")
    }
}
