import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusRouting
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 4, points 4 and 7: a client leaving mid-stream cancels the upstream call; cooldowns survive a restart.
@Suite("Client disconnect and cooldown persistence", .serialized, .timeLimit(.minutes(2)))
struct CancellationTests {
    /// An alias whose first target answers after 8 s and whose second is fast (it must never be tried).
    static let slowThenFast = """
          slow:
            selector: in_order
            targets:
              - { provider: a, model: "mock:ttft=8000" }
              - { provider: b, model: demo-fast }
        """

    /// Paced: the relay is writing when the client leaves. Stalled: the upstream is silent, so only watching the
    /// inbound side can notice.
    @Test(arguments: ["mock:tokens=400,tps=20", "mock:tokens=400,stall_after=3"])
    func clientDisconnectMidStreamCancelsTheUpstream(model: String) async throws {
        try await withMockServer { port, mock in
            let models = """
                  long:
                    selector: in_order
                    targets:
                      - { provider: a, model: "\(model)" }
                      - { provider: b, model: demo-fast }
                """
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models)) { gw in
                let (firstChunk, signal) = AsyncStream<Void>.makeStream()
                let reader = Task {
                    let response = try await HTTPClient.shared.post(
                        gw.base + "/v1/chat/completions",
                        json: #"{"model":"long","stream":true,"messages":[{"role":"user","content":"go"}]}"#,
                        headers: [("authorization", "Bearer \(TestGateway.key)")])
                    for try await _ in response.body { signal.yield() }
                }
                var it = firstChunk.makeAsyncIterator()
                _ = await it.next()
                reader.cancel()
                let snapshot = await mock.stats.waitUntil(timeout: .seconds(30)) { $0.streamsCancelled == 1 }
                let written = try await gw.rows()
                #expect(snapshot != nil, "the mock saw the upstream stream cancelled: \(written)")
                let rows = try await gw.rowsWhenWritten(1)
                let row = try #require(rows.first)
                #expect(row.outcome == .cancelled)
                #expect(row.attempts.count == 1, "no new attempt after the client left")
                let seen = await mock.stats.requests(for: "demo-fast")
                #expect(seen == 0)
                #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "a disconnect sets no cooldown")
            }
        }
    }

    /// A unary request whose upstream is slow: the client leaving cancels the upstream.
    @Test func clientDisconnectDuringASlowUnaryRequestCancelsTheUpstream() async throws {
        try await withMockServer { port, mock in
            let models = Self.slowThenFast
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models)) { gw in
                let caller = Task {
                    _ = try await HTTPClient.shared.post(
                        gw.base + "/v1/chat/completions",
                        json: #"{"model":"slow","messages":[{"role":"user","content":"wait"}]}"#,
                        headers: [("authorization", "Bearer \(TestGateway.key)")])
                }
                try await Task.sleep(for: .milliseconds(1500))
                caller.cancel()
                let snapshot = await mock.stats.waitUntil(timeout: .seconds(30)) { $0.requestsCancelled == 1 }
                #expect(snapshot != nil, "the mock saw the waiting request cancelled")
                let row = try #require(try await gw.rowsWhenWritten(1).first)
                #expect(row.outcome == .cancelled)
                #expect(row.attempts.count == 1, "no new attempt after the client left")
                let second = await mock.stats.requests(for: "demo-fast")
                #expect(second == 0)
            }
        }
    }

    /// Noticed at once, with no grace: the upstream is cancelled well before the old one-second watch would have
    /// started, and the request leaves a cancelled row.
    @Test func clientDisconnectFromASlowUnaryRequestIsNoticedAtOnce() async throws {
        try await withMockServer { port, mock in
            let models = Self.slowThenFast
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models), timeout: .seconds(20)) { gw in
                let closedAt = try await RawHTTPConnection.open(port: gw.port) { connection in
                    try await connection.chat("slow", stream: false)
                    let seen = await mock.stats.waitUntil(timeout: .seconds(30)) {
                        $0.requestsByModel["mock:ttft=8000"] == 1
                    }
                    #expect(seen != nil, "the upstream got the request")
                    return ContinuousClock.now
                }
                // The upstream answers after 8 s; seeing it cancelled within the wait proves the gateway noticed the
                // client leaving rather than finishing the request. No tighter wall-time bound: CI load makes it flaky.
                let snapshot = await mock.stats.waitUntil(timeout: .seconds(30)) { $0.requestsCancelled == 1 }
                let cancelledAt = try #require(snapshot?.lastCancelledAt, "the mock saw the waiting request cancelled")
                #expect(cancelledAt - closedAt < .seconds(8), "cancelled before the upstream would have answered")
                let row = try #require(try await gw.rowsWhenWritten(1).first)
                #expect(row.outcome == .cancelled)
                #expect(row.httpStatus == 499)
                #expect(row.attempts.count == 1, "no new attempt after the client left")
                let second = await mock.stats.requests(for: "demo-fast")
                #expect(second == 0)
            }
        }
    }

    /// Issue 18, point 6: with the alias's only target still silent, a client that leaves is `cancelled` (499), not
    /// an upstream error, and the target is not cooled down for it.
    @Test(arguments: [false, true])
    func clientLeavingBeforeTheOnlyTargetsFirstByteIsCancelled(stream: Bool) async throws {
        try await withMockServer { port, mock in
            let models = """
                  only:
                    targets: [ { provider: a, model: "mock:ttft=8000" } ]
                """
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models), timeout: .seconds(20)) { gw in
                _ = try await RawHTTPConnection.open(port: gw.port) { connection in
                    try await connection.chat("only", stream: stream)
                    let seen = await mock.stats.waitUntil(timeout: .seconds(30)) {
                        $0.requestsByModel["mock:ttft=8000"] == 1
                    }
                    #expect(seen != nil, "the upstream got the request")
                }
                let row = try #require(try await gw.rowsWhenWritten(1).first)
                #expect(row.outcome == .cancelled)
                #expect(row.httpStatus == 499)
                #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "a disconnect sets no cooldown")
            }
        }
    }

    @Test func fastUnaryAnswersKeepTheirConnection() async throws {
        try await TestGateway.with(
            yaml: """
                providers:
                  a: { api_base_url: "mock://" }
                models:
                  m: { targets: [ { provider: a, model: demo-fast } ] }
                keys:
                  tester: { secret: "${TEST_KEY}" }
                """
        ) { gw in
            let response = try await HTTPClient.shared.post(
                gw.base + "/v1/chat/completions", json: #"{"model":"m","messages":[{"role":"user","content":"x"}]}"#,
                headers: [("authorization", "Bearer \(TestGateway.key)")])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "connection") != "close")
            _ = try await response.text()
        }
    }

    @Test func cooldownsSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "plexus-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let yaml = """
            providers:
              a: { api_base_url: "mock://" }
            models:
              m: { targets: [ { provider: a, model: "mock:fail=503" } ] }
            keys:
              tester: { secret: "${TEST_KEY}" }
            """
        let before = try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            let answer = try await gw.chat("m")
            #expect(answer.status == 503)
            return gw.gateway.routing.cooldowns(now: RoutingState.now())
        }
        #expect(before.count == 1)
        let after = try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            gw.gateway.routing.cooldowns(now: RoutingState.now())
        }
        #expect(after == before)
    }
}

extension TestGateway {
    /// Waits (bounded) until at least `count` usage rows are written; a stream's row is written when it ends.
    func rowsWhenWritten(_ count: Int, timeout: Duration = .seconds(3)) async throws -> [UsageRecord] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await self.rows()
            if rows.count >= count || ContinuousClock.now >= deadline { return rows }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
