import AsyncHTTPClient
import PlexusCore
import PlexusStorage
import Testing

@testable import PlexusServer

/// The usage tap reads every protocol's stream and unary answer, relayed raw or translated; the stop reason is logged
/// in the upstream protocol's own words.
@Suite("Usage tap", .timeLimit(.minutes(2)))
struct UsageTapTests {
    static let yaml = """
        providers:
          local:
            api_base_url: mock://
          only-messages:
            api_base_url: { messages: "mock://" }
          only-gemini:
            api_base_url: { gemini: "mock://" }
        models:
          any:
            targets: [ { provider: local, model: "mock:tokens=9" } ]
          via-messages:
            targets: [ { provider: only-messages, model: "mock:tokens=9" } ]
          via-gemini:
            targets: [ { provider: only-gemini, model: "mock:tokens=9" } ]
        keys:
          tester: { secret: "${TEST_KEY}" }
        """

    static let chatBody = #"{"model":"MODEL","stream":STREAM,"messages":[{"role":"user","content":"hi"}]}"#
    static let messagesBody =
        #"{"model":"MODEL","stream":STREAM,"max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#

    @Test(arguments: [
        ("/v1/chat/completions", chatBody, "via-messages", true, "end_turn"),
        ("/v1/chat/completions", chatBody, "via-gemini", false, "STOP"),
        ("/v1/messages", messagesBody, "any", true, "end_turn"),
        ("/v1/messages", messagesBody, "any", false, "end_turn"),
        ("/v1/messages", messagesBody, "via-gemini", true, "STOP"),
    ])
    func rowsCarryUsageAndStopReason(path: String, body: String, alias: String, stream: Bool, stop: String)
        async throws
    {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            let json = body.replacingOccurrences(of: "MODEL", with: alias)
                .replacingOccurrences(of: "STREAM", with: stream ? "true" : "false")
            let response = try await client.post(
                gw.base + path, json: json,
                headers: [("authorization", "Bearer \(TestGateway.key)"), ("anthropic-version", "2023-06-01")])
            #expect(response.status.code == 200)
            _ = try await response.text()
            let row = try #require(try await gw.rows(1).first)
            #expect(row.outcome == .success)
            #expect(row.tokens.output == 9)
            #expect((row.tokens.input ?? 0) > 0)
            #expect(row.stopReason == stop)
            #expect(row.ttftMs != nil)
        }
    }
}
