import AsyncHTTPClient
import Foundation
import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusMock
@testable import PlexusServer

/// Issue 20, point 3: count_tokens asks the chosen target's own counting endpoint (translated as needed), fails
/// over like any attempt, and estimates (flagged) only when no target can count.
@Suite("Token counting", .timeLimit(.minutes(2)))
struct TokenCounterTests {
    static let yaml = """
        providers:
          demo: { api_base_url: "mock://" }
          geminionly: { api_base_url: { gemini: "mock://" } }
          chatonly: { api_base_url: { chat: "mock://" } }
          anthropiconly: { api_base_url: { messages: "mock://" } }
          dead: { api_base_url: { messages: "http://127.0.0.1:9/v1" } }
        models:
          claude:
            patterns: ["claude-*"]
            targets: [ { provider: demo, model: "*" } ]
          viagemini: { targets: [ { provider: geminionly, model: gemini-2.5-flash } ] }
          openaionly: { targets: [ { provider: chatonly, model: gpt-4.1 } ] }
          viaanthropic: { targets: [ { provider: anthropiconly, model: claude-sonnet-4-5 } ] }
          failover:
            selector: in_order
            targets: [ { provider: dead, model: claude-x }, { provider: demo, model: claude-y } ]
        keys:
          test: { secret: "${TEST_KEY}" }
        """

    static let messagesBody = #"""
        {"model":"MODEL","system":"You are terse.","messages":[{"role":"user","content":"How many tokens is this sentence?"}],
         "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}
        """#

    static func post(_ gw: TestGateway, _ path: String, _ body: String) async throws
        -> (status: UInt, headers: [String: String], json: JSONValue?)
    {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let response = try await client.post(gw.base + path, json: body, headers: [("x-api-key", TestGateway.key)])
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return (response.status.code, headers, try? await response.json())
    }

    /// What the mock counts for the body the gateway sends it.
    static func mockCount(_ body: String, from proto: APIProtocol, to target: APIProtocol, model: String) throws -> Int
    {
        let request = try TokenCountRequest.decode(Array(body.utf8), from: proto, model: model)
        let sent = try #require(try TokenCountRequest.encode(request, to: target, upstreamModel: model))
        let json = try JSONValue(parsing: sent)
        if target == .messages { return try MockAnthropic.generation(from: json, requireMaxTokens: false).inputTokens }
        return MockTokenEstimate.inputTokens(of: json["generateContentRequest"] ?? json)
    }

    @Test func claudeCodeShapedCountGoesToTheAnthropicTarget() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = Self.messagesBody.replacingOccurrences(of: "MODEL", with: "claude-haiku-4-5-20251001")
            let answer = try await Self.post(gw, "/v1/messages/count_tokens", body)
            #expect(answer.status == 200, "\(String(describing: answer.json))")
            #expect(answer.headers["x-plexus-token-estimate"] == nil)
            #expect(answer.headers["x-plexus-model"] == "claude-haiku-4-5-20251001")
            let expected = try Self.mockCount(body, from: .messages, to: .messages, model: "claude-haiku-4-5-20251001")
            #expect(answer.json?["input_tokens"] == .number(Double(expected)))
        }
    }

    @Test func anAnthropicCountTranslatesToAGeminiTarget() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = Self.messagesBody.replacingOccurrences(of: "MODEL", with: "viagemini")
            let answer = try await Self.post(gw, "/v1/messages/count_tokens", body)
            #expect(answer.status == 200)
            #expect(answer.headers["x-plexus-provider"] == "geminionly")
            let expected = try Self.mockCount(body, from: .messages, to: .gemini, model: "gemini-2.5-flash")
            #expect(answer.json?["input_tokens"] == .number(Double(expected)))
        }
    }

    @Test func aGeminiCountTranslatesToAnAnthropicTarget() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"Count me, please."}]}]}"#
            let answer = try await Self.post(gw, "/v1beta/models/viaanthropic:countTokens", body)
            #expect(answer.status == 200)
            #expect(answer.headers["x-plexus-provider"] == "anthropiconly")
            let expected = try Self.mockCount(body, from: .gemini, to: .messages, model: "claude-sonnet-4-5")
            #expect(answer.json?["totalTokens"] == .number(Double(expected)))
        }
    }

    @Test func aFailedCountFailsOverAndCoolsTheTargetDown() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = Self.messagesBody.replacingOccurrences(of: "MODEL", with: "failover")
            let answer = try await Self.post(gw, "/v1/messages/count_tokens", body)
            #expect(answer.status == 200)
            #expect(answer.headers["x-plexus-model"] == "claude-y")
            let cooling = gw.gateway.routing.cooldowns(now: RoutingState.now()).map { $0.target.provider }
            #expect(cooling.contains("dead"))
        }
    }

    @Test func withNoTargetThatCountsTheAnswerIsAFlaggedEstimate() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = Self.messagesBody.replacingOccurrences(of: "MODEL", with: "openaionly")
            let answer = try await Self.post(gw, "/v1/messages/count_tokens", body)
            #expect(answer.status == 200)
            #expect(answer.headers["x-plexus-token-estimate"] == "true")
            #expect(answer.json?["input_tokens"] == .number(Double(body.utf8.count / 4)))
        }
    }

    @Test func anUnknownModelIsA404InTheClientsProtocol() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = Self.messagesBody.replacingOccurrences(of: "MODEL", with: "nope")
            let answer = try await Self.post(gw, "/v1/messages/count_tokens", body)
            #expect(answer.status == 404)
            #expect(answer.json?["type"] == .string("error"))
        }
    }
}
