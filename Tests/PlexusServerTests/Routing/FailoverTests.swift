import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusRouting
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 4, points 3 and 4: failover before the first byte and per-target cooldown, against a real mock server.
@Suite("Failover and cooldown", .serialized, .timeLimit(.minutes(3)))
struct FailoverTests {
    static func aliases(_ first: String, _ second: String = "demo-fast") -> String {
        """
          pair:
            selector: in_order
            targets:
              - { provider: a, model: "\(first)" }
              - { provider: b, model: "\(second)" }
        """
    }

    @Test func rateLimitWithRetryAfterCoolsTheTargetThenItIsUsedAgain() async throws {
        try await withMockServer { port, mock in
            let yaml = twoTargetYAML(port: port, models: Self.aliases("mock:fail=429,retry_after=2,fail_first=1"))
            try await TestGateway.with(yaml: yaml) { gw in
                // Cooldowns as of the send: on a loaded machine the answer can take longer than the cooldown.
                let sent = RoutingState.now()
                let first = try await gw.chat("pair")
                #expect(first.status == 200)
                #expect(first.provider == "b")
                let cooling = gw.gateway.routing.cooldowns(now: sent)
                #expect(cooling.map(\.target.provider) == ["a"])
                let span = (cooling.first?.until ?? 0) - (cooling.first?.setAt ?? 0)
                #expect(abs(span - 2) < 0.01, "Retry-After: 2 sets the cooldown, got \(span) s")
                let second = try await gw.chat("pair")
                #expect(second.provider == "b", "a cooling target is tried last")
                let seen = await mock.stats.requests(for: "mock:fail=429,retry_after=2,fail_first=1")
                #expect(seen == 1)
                try await Task.sleep(for: .milliseconds(2100))
                let third = try await gw.chat("pair")
                #expect(third.provider == "a", "after its cooldown the first target serves again")
                #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "success clears it")
                let rows = try await gw.rows()
                let failedOver = try #require(rows.last)
                #expect(failedOver.attempts.map(\.provider) == ["a", "b"])
                #expect(failedOver.attempts.map(\.status) == [429, 200])
            }
        }
    }

    @Test(arguments: [500, 529])
    func serverErrorsFailOverWithDoublingCooldown(status: Int) async throws {
        try await withMockServer { port, _ in
            let yaml = twoTargetYAML(port: port, models: Self.aliases("mock:fail=\(status)"))
            try await TestGateway.with(yaml: yaml) { gw in
                // Cooldowns are read as of just before each request: a slow machine may take longer than the
                // one-second cooldown to answer, and an expired entry would no longer be listed.
                let beforeFirst = RoutingState.now()
                let first = try await gw.chat("pair")
                #expect(first.status == 200 && first.provider == "b")
                let entry1 = try #require(gw.gateway.routing.cooldowns(now: beforeFirst).first)
                #expect(entry1.failures == 1)
                #expect(abs(entry1.until - entry1.setAt - 1) < 0.01, "initial_seconds")
                try await Task.sleep(for: .milliseconds(1100))
                let beforeSecond = RoutingState.now()
                let second = try await gw.chat("pair")
                #expect(second.provider == "b")
                let entry2 = try #require(gw.gateway.routing.cooldowns(now: beforeSecond).first)
                #expect(entry2.failures == 2)
                #expect(abs(entry2.until - entry2.setAt - 2) < 0.01, "doubled")
                #expect(entry2.reason == (status == 529 ? .overloaded : .serverError))
            }
        }
    }

    @Test func resetBeforeFirstByteFailsOver() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: Self.aliases("mock:reset"))) { gw in
                for stream in [false, true] {
                    let answer = try await gw.chat("pair", stream: stream)
                    #expect(answer.status == 200)
                    #expect(answer.provider == "b")
                }
            }
        }
    }

    @Test func errorEventAsFirstStreamEventFailsOver() async throws {
        try await withMockServer { port, _ in
            let yaml = twoTargetYAML(port: port, models: Self.aliases("mock:error_event=0"))
            try await TestGateway.with(yaml: yaml) { gw in
                // As of the send: the 1 s cooldown can end before a slow answer does (seen under the full suite).
                let sent = RoutingState.now()
                let answer = try await gw.chat("pair", stream: true)
                #expect(answer.status == 200)
                #expect(answer.provider == "b")
                #expect(!answer.body.contains("\"error\""))
                let entry = try #require(gw.gateway.routing.cooldowns(now: sent).first)
                #expect(entry.reason == .errorEvent)
            }
        }
    }

    @Test func upstreamBadRequestIsReturnedWithoutTryingAnotherTarget() async throws {
        try await withMockServer { port, mock in
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: Self.aliases("mock:fail=400"))) { gw in
                let answer = try await gw.chat("pair")
                #expect(answer.status == 400)
                let seen = await mock.stats.requests(for: "demo-fast")
                #expect(seen == 0)
                #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty, "client errors set no cooldown")
                let row = try #require(try await gw.rows().first)
                #expect(row.attempts.count == 1)
            }
        }
    }

    @Test func whenEveryTargetCoolsTheOneRecoveringFirstIsTried() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: Self.aliases("demo-fast"))) { gw in
                let now = RoutingState.now()
                let config = CooldownConfig()
                let failure = PerformanceSample(
                    at: now, ttftMs: nil, tokensPerSecond: nil, durationMs: 1,
                    outputTokens: 0, success: false)
                gw.gateway.routing.failed(
                    TargetID(provider: "a", model: "demo-fast"), reason: .rateLimited,
                    retryAfter: 200, config: config, sample: failure)
                gw.gateway.routing.failed(
                    TargetID(provider: "b", model: "demo-fast"), reason: .rateLimited,
                    retryAfter: 100, config: config, sample: failure)
                let answer = try await gw.chat("pair")
                #expect(answer.status == 200)
                #expect(answer.provider == "b", "b's cooldown ends first")
            }
        }
    }

    @Test func resetAfterFirstByteEndsTheStreamWithAnErrorEventInTheClientsProtocol() async throws {
        try await withMockServer { port, _ in
            let models = """
                  broken:
                    targets: [ { provider: a, model: "mock:tokens=40,reset_after=4" } ]
                """
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models)) { gw in
                let chat = try await gw.chat("broken", stream: true)
                #expect(chat.status == 200)
                #expect(chat.body.contains("data: {\"error\":"), "OpenAI streams end with an error chunk")
                let messages = try await gw.send(
                    "/v1/messages",
                    body:
                        #"{"model":"broken","max_tokens":99,"stream":true,"messages":[{"role":"user","content":"x"}]}"#)
                #expect(messages.body.contains("event: error"), "Anthropic streams end with an error event")
                let gemini = try await gw.send(
                    "/v1beta/models/broken:streamGenerateContent?alt=sse",
                    body:
                        #"{"contents":[{"role":"user","parts":[{"text":"x"}]}]}"#)
                #expect(gemini.body.contains("\"error\":"), "Gemini streams end with an error object")
                let rows = try await gw.rows()
                #expect(rows.count == 3)
                #expect(rows.allSatisfy { $0.outcome == .error && $0.attempts.count == 1 })
            }
        }
    }

    @Test func oneDeadlineCoversAllAttempts() async throws {
        try await withMockServer { port, _ in
            let yaml = twoTargetYAML(
                port: port, models: Self.aliases("mock:stall", "mock:stall"),
                extra: "failover: { request_timeout_seconds: 1 }")
            try await TestGateway.with(yaml: yaml) { gw in
                let answer = try await gw.chat("pair")
                #expect(answer.status == 504)
                let row = try #require(try await gw.rows().first)
                #expect(row.attempts.count == 1, "no second attempt once the deadline passed: \(row.attempts)")
            }
        }
    }
}
