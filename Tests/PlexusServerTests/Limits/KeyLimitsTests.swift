import AsyncHTTPClient
import Foundation
import PlexusCore
import PlexusRouting
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 21: a key's limits refuse in the client's protocol with `Retry-After`, log `limited`, never cool a target,
/// and tell limited keys what is left.
@Suite("Key limits", .serialized, .timeLimit(.minutes(3)))
struct KeyLimitsTests {
    struct Call: Sendable, CustomStringConvertible {
        let proto: APIProtocol
        let path: String
        let body: String
        var description: String { proto.rawValue }
    }

    static let calls = [
        Call(
            proto: .chat, path: "/v1/chat/completions",
            body: #"{"model":"demo","messages":[{"role":"user","content":"hi"}]}"#),
        Call(
            proto: .messages, path: "/v1/messages",
            body: #"{"model":"demo","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#),
        Call(
            proto: .gemini, path: "/v1beta/models/demo:generateContent",
            body: #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#),
        Call(proto: .responses, path: "/v1/responses", body: #"{"model":"demo","input":"hi"}"#),
    ]

    static func yaml(_ limits: String, model: String = "mock:tokens=40", extra: String = "") -> String {
        """
        server: { admin_key: "${TEST_ADMIN_KEY}" }
        providers:
          demo:
            api_base_url: mock://
            models:
              "\(model)": { pricing: { source: simple, input: 2.0, output: 8.0 } }
        models:
          demo: { targets: [ { provider: demo, model: "\(model)" } ] }
        keys:
          tester:
            secret: "${TEST_KEY}"
            limits: \(limits)
          open: { secret: "sk-open" }
        \(extra)
        """
    }

    func send(_ gw: TestGateway, _ call: Call, key: String = TestGateway.key) async throws -> HTTPClientResponse {
        try await HTTPClient.shared.post(
            gw.base + call.path, json: call.body,
            headers: [("authorization", "Bearer \(key)")])
    }

    @Test(arguments: calls)
    func overTheRequestLimitEachProtocolGetsItsOwn429(call: Call) async throws {
        try await TestGateway.with(yaml: Self.yaml("{ requests_per_minute: 2 }")) { gw in
            for left in ["1", "0"] {
                let ok = try await send(gw, call)
                #expect(ok.status.code == 200)
                #expect(ok.headers.first(name: "x-plexus-limit-requests-remaining") == left)
                _ = try await ok.text()
            }
            let refused = try await send(gw, call)
            #expect(refused.status.code == 429)
            let wait = try #require(Int(refused.headers.first(name: "retry-after") ?? ""))
            #expect((1...60).contains(wait))
            #expect(refused.headers.first(name: "x-plexus-limit-requests-remaining") == "0")
            let body = try await refused.json()
            switch call.proto {
            case .chat, .responses, .embeddings:
                #expect(body["error"]?["type"]?.stringValue == "rate_limit_error")
                #expect(body["error"]?["message"]?.stringValue?.contains("2 requests per minute") == true)
            case .messages:
                #expect(body["type"]?.stringValue == "error")
                #expect(body["error"]?["type"]?.stringValue == "rate_limit_error")
            case .gemini:
                #expect(body["error"]?["code"]?.intValue == 429)
                #expect(body["error"]?["status"]?.stringValue == "RESOURCE_EXHAUSTED")
            }
            // Another key is not limited, and no target cools for a key's limit.
            let other = try await send(gw, call, key: "sk-open")
            #expect(other.status.code == 200)
            #expect(other.headers.first(name: "x-plexus-limit-requests-remaining") == nil)
            #expect(gw.gateway.routing.cooldowns(now: RoutingState.now()).isEmpty)
            let rows = try await gw.rows()
            let limited = rows.filter { $0.outcome == .limited }
            #expect(limited.count == 1)
            #expect(limited.first?.httpStatus == 429 && limited.first?.keyName == "tester")
            #expect(rows.filter { $0.outcome == .success }.count == 3)
        }
    }

    @Test func concurrentRequestsOverTheCapAreRefusedUntilOneEnds() async throws {
        let yaml = Self.yaml("{ concurrent_requests: 2 }", model: "mock:tokens=30,tps=20")
        try await TestGateway.with(yaml: yaml) { gw in
            let slow = (0..<2).map { _ in Task { try await gw.chat("demo", stream: true).status } }
            let deadline = ContinuousClock.now + .seconds(5)
            while gw.gateway.inFlight.count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let refused = try await gw.chat("demo")
            #expect(refused.status == 429)
            #expect(refused.body.contains("2 concurrent requests"))
            for task in slow { #expect(try await task.value == 200) }
            #expect(try await gw.chat("demo").status == 200, "a finished request frees its slot")
        }
    }

    @Test func tokensPerMinuteCountWhatFinished() async throws {
        try await TestGateway.with(yaml: Self.yaml("{ tokens_per_minute: 30 }")) { gw in
            let first = try await send(gw, Self.calls[0])
            #expect(first.headers.first(name: "x-plexus-limit-tokens-remaining") == "30", "nothing finished yet")
            _ = try await first.text()
            _ = try await gw.rows()  // the first request has finished (its 40 output tokens counted)
            let refused = try await send(gw, Self.calls[0])
            #expect(refused.status.code == 429)
            #expect(refused.headers.first(name: "x-plexus-limit-tokens-remaining") == "0")
            #expect(try await refused.text().contains("30 tokens per minute"))
        }
    }

    @Test func aSpentBudgetRefusesUntilThePeriodEndsAndSurvivesARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = Self.yaml("{ budget: { usd: 0.0001, period: day } }")
        try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            let first = try await send(gw, Self.calls[0])
            #expect(first.status.code == 200)
            #expect(first.headers.first(name: "x-plexus-limit-budget-remaining-usd") == "0.0001")
            _ = try await first.text()
            let spent = try #require(try await gw.rows().first?.cost?.total)
            #expect(spent > 0.0001, "40 output tokens at 8 USD per million")
            let refused = try await send(gw, Self.calls[0])
            #expect(refused.status.code == 429)
            let untilMidnight = BudgetPeriod.day.interval(containing: Date()).end.timeIntervalSinceNow
            let wait = try #require(Double(refused.headers.first(name: "retry-after") ?? ""))
            #expect(abs(wait - untilMidnight) < 5)
            #expect(refused.headers.first(name: "x-plexus-limit-budget-remaining-usd") == "0")
        }
        try await TestGateway.with(yaml: yaml, folder: folder) { gw in
            #expect(try await send(gw, Self.calls[0]).status.code == 429, "the spend is read back from the log")
            let use = try await gw.admin(.GET, "/v0/management/limits?key=tester").json["keys"]?[0]
            #expect(use?["budget"]?["remaining_usd"]?.doubleValue == 0)
            #expect((use?["budget"]?["spent_usd"]?.doubleValue ?? 0) > 0.0001)
            #expect((use?["today_spend_usd"]?.doubleValue ?? 0) > 0.0001)
        }
    }

    /// The bound the docs state: a budget is overshot by at most the cost of the requests in flight when it ran
    /// out, since each was admitted under it.
    @Test func aBudgetIsOvershotByAtMostWhatWasInFlight() async throws {
        // The first token comes late, so all of them are admitted before any is done, on a loaded machine too.
        let yaml = Self.yaml("{ budget: { usd: 0.0001, period: month } }", model: "mock:tokens=40,ttft=3000,tps=80")
        try await TestGateway.with(yaml: yaml) { gw in
            let inFlight = 4
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<inFlight { group.addTask { try await gw.chat("demo", stream: true).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: inFlight), "all admitted under the budget")
            let rows = try await gw.rows()
            let costs = rows.compactMap { $0.cost?.total }
            let spent = costs.reduce(0, +)
            #expect(spent - 0.0001 <= Double(inFlight) * (costs.max() ?? 0), "overshoot within what was in flight")
            #expect(try await gw.chat("demo").status == 429, "then refused")
        }
    }

    @Test func managementShowsEachKeysLimitsAndUse() async throws {
        let limits = "{ requests_per_minute: 10, tokens_per_minute: 100000, budget: { usd: 5, period: week } }"
        try await TestGateway.with(yaml: Self.yaml(limits)) { gw in
            for _ in 0..<3 { _ = try await gw.chat("demo") }
            _ = try await gw.rows()
            let keys = try await gw.admin(.GET, "/v0/management/limits").json["keys"]?.arrayValue ?? []
            let tester = try #require(keys.first { $0["name"]?.stringValue == "tester" })
            #expect(tester["limits"]?["requests_per_minute"]?.intValue == 10)
            #expect(tester["requests_this_minute"]?.intValue == 3)
            #expect((tester["tokens_this_minute"]?.intValue ?? 0) >= 120)
            #expect(tester["budget"]?["period"]?.stringValue == "week")
            #expect((tester["budget"]?["spent_usd"]?.doubleValue ?? 0) > 0)
            let open = try #require(keys.first { $0["name"]?.stringValue == "open" })
            #expect(open["limits"] == .null && open["requests_this_minute"] == nil)
        }
    }
}

@Suite("x-plexus-limit-budget-remaining-usd")
struct LimitHeaderTextTests {
    @Test(arguments: [
        (12.5, "12.5"), (0.000125, "0.000125"), (0, "0"), (1_000_000_000, "1000000000"),
        (0.1234567, "0.123457"), (-3, "0"), (49.99, "49.99"),
    ])
    func usdIsPlainDecimal(usd: Double, text: String) {
        #expect(LimitHeaders.usdText(usd) == text)
    }
}
