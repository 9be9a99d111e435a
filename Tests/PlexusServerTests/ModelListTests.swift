import AsyncHTTPClient
import Foundation
import PlexusCore
import Testing

@testable import PlexusServer

/// Issue 20, point 5: `/v1/models` in its three forms, with token limits and prices from the config, and an ETag.
@Suite("Model list", .timeLimit(.minutes(2)))
struct ModelListTests {
    static let yaml = """
        providers:
          demo:
            api_base_url: "mock://"
            discount: 0.5
            models:
              demo-fast: { context_length: 200000, max_output_tokens: 64000,
                           pricing: { source: simple, input: 3, output: 15, cached: 0.3 } }
              demo-small: { context_length: 128000, max_output_tokens: 8192 }
              demo-bare: {}
        models:
          smart: { targets: [ { provider: demo, model: demo-small }, { provider: demo, model: demo-fast } ] }
          capped: { context_length: 1000, targets: [ { provider: demo, model: demo-fast } ] }
          bare: { targets: [ { provider: demo, model: demo-bare } ] }
        keys:
          test: { secret: "${TEST_KEY}" }
        """

    static func get(_ gw: TestGateway, _ path: String, _ headers: [(String, String)] = [])
        async throws -> (status: UInt, etag: String?, body: JSONValue?)
    {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: gw.base + path)
        request.headers.add(name: "authorization", value: "Bearer \(TestGateway.key)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let text = try await response.text()
        return (response.status.code, response.headers.first(name: "etag"), try? JSONValue(parsing: text))
    }

    @Test func openAIFormCarriesLimitsAndPrices() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let list = try await Self.get(gw, "/v1/models")
            let data = try #require(list.body?["data"]?.arrayValue)
            #expect(data.compactMap { $0["id"]?.stringValue } == ["smart", "capped", "bare"])
            let smart = data[0]
            // The smallest limits of the targets; the first priced target's prices, discounted, per token.
            #expect(smart["context_length"] == .number(128000))
            #expect(smart["max_output_tokens"] == .number(8192))
            #expect(smart["pricing"]?["prompt"] == .string("0.0000015"))
            #expect(smart["pricing"]?["completion"] == .string("0.0000075"))
            #expect(smart["pricing"]?["input_cache_read"] == .string("0.00000015"))
            #expect(data[1]["context_length"] == .number(1000))
            #expect(data[2]["context_length"] == nil && data[2]["pricing"] == nil)
        }
    }

    @Test func anthropicAndGeminiForms() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let anthropic = try await Self.get(gw, "/v1/models", [("anthropic-version", "2023-06-01")])
            let first = try #require(anthropic.body?["data"]?.arrayValue?.first)
            #expect(first["type"] == .string("model"))
            #expect(first["max_input_tokens"] == .number(128000))
            #expect(first["max_tokens"] == .number(8192))
            let gemini = try await Self.get(gw, "/v1beta/models")
            let model = try #require(gemini.body?["models"]?.arrayValue?.first)
            #expect(model["name"] == .string("models/smart"))
            #expect(model["inputTokenLimit"] == .number(128000))
            #expect(model["outputTokenLimit"] == .number(8192))
        }
    }

    @Test func anETagTurnsARepeatIntoA304() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let first = try await Self.get(gw, "/v1/models")
            let tag = try #require(first.etag)
            let again = try await Self.get(gw, "/v1/models")
            #expect(again.etag == tag)
            let cached = try await Self.get(gw, "/v1/models", [("if-none-match", "\"other\", \(tag)")])
            #expect(cached.status == 304)
            let stale = try await Self.get(gw, "/v1/models", [("if-none-match", "\"other\"")])
            #expect(stale.status == 200)
            // Another form is another body, so another tag.
            let gemini = try await Self.get(gw, "/v1beta/models", [("if-none-match", tag)])
            #expect(gemini.status == 200 && gemini.etag != tag)
        }
    }

    @Test(arguments: [(3.0, "0.000003"), (0.075, "0.000000075"), (1234.5, "0.0012345"), (0, "0")])
    func pricesAreWrittenAsPlainDecimals(perMillion: Double, text: String) {
        #expect(ModelList.perToken(perMillion) == text)
    }
}
