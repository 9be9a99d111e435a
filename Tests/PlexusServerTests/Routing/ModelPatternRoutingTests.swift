import Foundation
import PlexusCore
import Testing

@testable import PlexusServer

/// Issue 20, point 2: dated model ids reach an alias through its `patterns`, and `model: "*"` targets send the
/// name the client asked for, over every client protocol.
@Suite("Model patterns through the gateway", .timeLimit(.minutes(2)))
struct ModelPatternRoutingTests {
    static let yaml = """
        providers:
          demo: { api_base_url: "mock://" }
        models:
          claude:
            patterns: ["claude-*"]
            targets: [ { provider: demo, model: "*" } ]
          fixed:
            targets: [ { provider: demo, model: demo-fast } ]
        keys:
          test: { secret: "${TEST_KEY}", allowed_models: [claude] }
        """

    @Test(arguments: [
        (
            "/v1/messages",
            #"{"model":"claude-sonnet-4-5-20250929","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}"#
        ),
        ("/v1/chat/completions", #"{"model":"claude-haiku-4-5-20251001","messages":[{"role":"user","content":"hi"}]}"#),
        ("/v1beta/models/claude-opus-4-1:generateContent", #"{"contents":[{"parts":[{"text":"hi"}]}]}"#),
    ])
    func aDatedIDRoutesThroughThePattern(path: String, body: String) async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let answer = try await gw.send(path, body: body)
            #expect(answer.status == 200, "\(answer.body)")
            let requested =
                path.contains("v1beta")
                ? "claude-opus-4-1" : (try JSONValue(parsing: body))["model"]?.stringValue ?? ""
            let row = try #require(try await gw.rows(5).first)
            #expect(row.alias == "claude")
            #expect(row.upstreamModel == requested)
        }
    }

    @Test func allowedModelsStillApply() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let answer = try await gw.send(
                "/v1/chat/completions", body: #"{"model":"fixed","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(answer.status == 404, "\(answer.body)")
            let unmatched = try await gw.send(
                "/v1/chat/completions", body: #"{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(unmatched.status == 404, "\(unmatched.body)")
        }
    }

    @Test func calledByItsOwnNameAStarOnlyAliasHasNoTarget() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body = #"{"model":"claude","messages":[{"role":"user","content":"hi"}]}"#
            let answer = try await gw.send("/v1/chat/completions", body: body)
            #expect(answer.status == 503, "\(answer.body)")
        }
    }
}
