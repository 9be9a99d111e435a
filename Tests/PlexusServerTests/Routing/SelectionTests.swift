import AsyncHTTPClient
import Foundation
import PlexusCore
import PlexusMock
import PlexusRouting
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 4, points 1, 2, 5 and 6: selectors on live traffic, protocol choice, performance windows, sticky sessions.
@Suite("Candidate selection", .serialized, .timeLimit(.minutes(3)))
struct SelectionTests {
    static func pair(_ selector: String, slow: String, fast: String) -> String {
        """
          pair:
            selector: \(selector)
            targets:
              - { provider: a, model: "\(slow)" }
              - { provider: b, model: "\(fast)" }
        """
    }

    @Test(arguments: [
        ("latency", "mock:tokens=3,ttft=80", "mock:tokens=3,ttft=2"),
        ("performance", "mock:tokens=12,tps=60", "mock:tokens=12,tps=1000"),
    ])
    /// The slow target is declared first, so with no data it serves; the unseen fast one is explored (rate 0.5),
    /// measured, and from then on wins. P(slow serves more than 12 of 40) = 0.5^12. A trial can also be spoiled by
    /// one stalled first sample of the fast target when the whole suite loads the machine (it was measured once at
    /// 383 ms TTFT against its 2 ms): the selector explores only unseen or stale targets, so that target waits for
    /// its data to go stale. So a second, independent trial on a fresh gateway runs when the first did not
    /// converge; the selector must converge in one of them.
    func measuredSelectorsConvergeOnTheFasterTargetAndExploreTheOther(selector: String, slow: String, fast: String)
        async throws
    {
        var trials: [(served: [String: Int], detail: String)] = []
        for _ in 0..<2 {
            let trial = try await Self.trial(selector, slow: slow, fast: fast)
            trials.append(trial)
            if (trial.served["b"] ?? 0) >= 28 { break }
        }
        let last = trials[trials.count - 1]
        #expect((last.served["b"] ?? 0) >= 28, "the faster target wins most traffic: \(trials.map(\.detail))")
        #expect((last.served["a"] ?? 0) >= 1, "the slower one is still measured: \(last.served)")
    }

    /// One trial on a fresh gateway: 40 conversations, and the fast target's statistics checked against them.
    static func trial(_ selector: String, slow: String, fast: String) async throws
        -> (served: [String: Int], detail: String)
    {
        try await withMockServer { port, _ in
            let yaml = twoTargetYAML(
                port: port, models: Self.pair(selector, slow: slow, fast: fast),
                routing: "{ exploration_rate: 0.5, sticky_sessions: false }")
            return try await TestGateway.with(yaml: yaml) { gw in
                let served = try await Self.serve(40, through: gw)
                let all = gw.gateway.routing.performance(now: RoutingState.now())
                let stats = all[TargetID(provider: "b", model: fast)]
                #expect(stats?.requests == served["b"])
                #expect(stats?.ttftP50 != nil && stats?.ttftP95 != nil)
                return (served, "\(served) \(all)")
            }
        }
    }

    /// Sends `count` distinct streamed conversations and counts which provider served each.
    static func serve(_ count: Int, through gw: TestGateway) async throws -> [String: Int] {
        var served: [String: Int] = [:]
        for i in 0..<count {
            let answer = try await gw.chat("pair", stream: true, prompt: "p\(i)")
            #expect(answer.status == 200)
            served[answer.provider ?? "?", default: 0] += 1
        }
        return served
    }

    @Test func costSelectorPicksTheCheaperTargetAndATierChangesThePickForLongPrompts() async throws {
        try await withMockServer { port, _ in
            let yaml = """
                providers:
                  a:
                    api_base_url: http://127.0.0.1:\(port)/v1
                    models:
                      demo-fast:
                        pricing: { source: simple, input: 1.0, output: 2.0 }
                  b:
                    api_base_url: http://127.0.0.1:\(port)/v1
                    models:
                      demo-fast:
                        pricing:
                          source: tiered
                          tiers:
                            - { up_to: 1000, input: 0.1, output: 0.2 }
                            - { up_to: null, input: 10.0, output: 20.0 }
                  c:
                    api_base_url: http://127.0.0.1:\(port)/v1
                models:
                  cheap:
                    selector: cost
                    targets:
                      - { provider: c, model: demo-fast }
                      - { provider: a, model: demo-fast }
                      - { provider: b, model: demo-fast }
                keys:
                  tester: { secret: "${TEST_KEY}" }
                """
            try await TestGateway.with(yaml: yaml) { gw in
                let short = try await gw.chat("cheap", prompt: "short")
                #expect(short.provider == "b", "b's first tier is cheapest for a short prompt")
                let long = try await gw.chat("cheap", prompt: String(repeating: "long words ", count: 800))
                #expect(long.provider == "a", "over 1000 tokens b's second tier costs more than a")
                let row = try #require(try await gw.rows().first)
                #expect(row.attempts.count == 1)
            }
        }
    }

    @Test func stickySessionsReturnAConversationToItsTargetAndStillFailOver() async throws {
        try await withMockServer { port, _ in
            let yaml = twoTargetYAML(
                port: port, models: Self.pair("random", slow: "demo-fast", fast: "demo-fast"),
                routing: "{ sticky_sessions: true }")
            try await TestGateway.with(yaml: yaml) { gw in
                let opening = #"{"role":"user","content":"plan a trip"}"#
                let first = try await gw.send(
                    "/v1/chat/completions",
                    body:
                        #"{"model":"pair","messages":[\#(opening)]}"#)
                let owner = try #require(first.provider)
                for turn in 0..<8 {
                    let next = try await gw.send(
                        "/v1/chat/completions",
                        body: """
                            {"model":"pair","messages":[\(opening),{"role":"assistant","content":"ok \(turn)"},
                            {"role":"user","content":"more \(turn)"}]}
                            """)
                    #expect(next.provider == owner, "turn \(turn) returns to \(owner)")
                }
                // The last turn's success may be recorded after the cooldown below is set (it settles after its
                // answer is written); dated when its answer was ready, it leaves the newer cooldown in place.
                let failure = PerformanceSample(
                    at: RoutingState.now(), ttftMs: nil, tokensPerSecond: nil,
                    durationMs: 1, outputTokens: 0, success: false)
                gw.gateway.routing.failed(
                    TargetID(provider: owner, model: "demo-fast"), reason: .serverError,
                    retryAfter: 60, config: CooldownConfig(), sample: failure)
                let moved = try await gw.send(
                    "/v1/chat/completions",
                    body:
                        #"{"model":"pair","messages":[\#(opening),{"role":"user","content":"again"}]}"#)
                #expect(moved.status == 200)
                #expect(moved.provider != owner, "a cooling sticky target is not preferred")
            }
        }
    }

    @Test func apiMatchPrefersTargetsSpeakingTheClientsProtocolAndFlagsPassthrough() async throws {
        let yaml = """
            providers:
              only-chat:
                api_base_url: { chat: "mock://" }
              only-messages:
                api_base_url: { messages: "mock://" }
              both:
                api_base_url: { chat: "mock://", messages: "mock://" }
            models:
              matched:
                selector: in_order
                priority: api_match
                targets:
                  - { provider: only-chat, model: demo-fast }
                  - { provider: only-messages, model: demo-fast }
              adaptive:
                targets: [ { provider: both, model: demo-fast } ]
            keys:
              tester: { secret: "${TEST_KEY}" }
            """
        try await TestGateway.with(yaml: yaml) { gw in
            let body = #"{"model":"MODEL","max_tokens":50,"messages":[{"role":"user","content":"x"}]}"#
            let matched = try await gw.send(
                "/v1/messages", body: body.replacingOccurrences(of: "MODEL", with: "matched"))
            #expect(matched.provider == "only-messages")
            #expect(matched.passthrough)
            let viaChat = try await gw.chat("matched")
            #expect(viaChat.provider == "only-chat" && viaChat.passthrough)
            let adaptive = try await gw.send(
                "/v1/messages", body: body.replacingOccurrences(of: "MODEL", with: "adaptive"))
            #expect(adaptive.passthrough, "a multi-protocol provider is reached in the client's own protocol")
            let gemini = try await gw.send(
                "/v1beta/models/adaptive:generateContent",
                body: #"{"contents":[{"role":"user","parts":[{"text":"x"}]}]}"#)
            #expect(gemini.status == 200 && !gemini.passthrough, "Gemini clients are translated to chat")
            let rows = try await gw.rows()
            #expect(rows.first?.targetProtocol == .chat)
            #expect(rows.filter(\.passthrough).count == 3)
        }
    }
}
