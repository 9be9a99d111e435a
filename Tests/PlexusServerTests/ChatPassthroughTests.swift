import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 2: OpenAI passthrough through the in-process gateway to the mock upstream over loopback HTTP.
@Suite("Chat completions passthrough", .timeLimit(.minutes(2)))
struct ChatPassthroughTests {
    static func yaml(mockPort: Int) -> String {
        """
        providers:
          remote:
            api_base_url: http://127.0.0.1:\(mockPort)/v1
            api_key: upstream-secret
          local:
            api_base_url: mock://
        models:
          slow:
            targets:
              - { provider: remote, model: "mock:tokens=12,tps=8" }
          fast:
            additional_aliases: [other-name]
            targets:
              - { provider: remote, model: demo-fast }
          flaky:
            selector: in_order
            targets:
              - { provider: remote, model: "mock:fail=500" }
              - { provider: local, model: demo-fast }
          bad:
            selector: in_order
            targets:
              - { provider: remote, model: "mock:fail=400" }
              - { provider: local, model: demo-fast }
          errorfirst:
            selector: in_order
            targets:
              - { provider: remote, model: "mock:error_event=0" }
              - { provider: local, model: demo-fast }
        keys:
          tester:
            secret: ${TEST_KEY}
            allowed_models: [slow, fast, flaky, bad, errorfirst]
        """
    }

    static let auth = [("authorization", "Bearer \(TestGateway.key)")]

    @Test func streamEventsArriveAsTheUpstreamSendsThem() async throws {
        try await withMockServer { mockPort, upstream in
            try await TestGateway.with(yaml: Self.yaml(mockPort: mockPort)) { gw in
                let client = HTTPClient(eventLoopGroupProvider: .singleton)
                defer { _ = client.shutdown() }
                let response = try await client.post(
                    gw.base + "/v1/chat/completions",
                    json: #"{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}"#,
                    headers: Self.auth)
                #expect(response.status.code == 200)
                #expect(response.headers.first(name: "x-plexus-passthrough") == "true")
                let clock = ContinuousClock()
                var arrivals: [ContinuousClock.Instant] = []
                var parser = SSEParser()
                var events: [SSEEvent] = []
                for try await chunk in response.body {
                    let new = parser.feed(chunk.readableBytesView)
                    for _ in new { arrivals.append(clock.now) }
                    events += new
                }
                #expect(events.last?.data == "[DONE]")
                // 12 tokens at 8/s take ~1.5 s upstream: the first event must reach us long before the last.
                let spread = arrivals.last! - arrivals.first!
                #expect(spread > .milliseconds(700))
                // The client did not ask for usage, so the gateway-injected usage chunk is not forwarded...
                #expect(!events.contains { $0.data.contains("\"usage\":{") })
                // ...but the upstream was asked for it.
                let sentJSON = await upstream.stats.lastRequestJSON(for: "mock:tokens=12,tps=8") ?? .null
                #expect(sentJSON["stream_options"]?["include_usage"]?.boolValue == true)
                let rows = try await gw.rows(5)
                #expect(rows.first?.streamed == true)
                #expect(rows.first?.tokens.output == 12)
                #expect(rows.first?.ttftMs != nil)
            }
        }
    }

    @Test func unaryPassthroughKeepsTheUpstreamBytesAndReplacesOnlyTheModel() async throws {
        try await withMockServer { mockPort, upstream in
            try await TestGateway.with(yaml: Self.yaml(mockPort: mockPort)) { gw in
                let client = HTTPClient(eventLoopGroupProvider: .singleton)
                defer { _ = client.shutdown() }
                let body =
                    #"{"model":"other-name","messages":[{"role":"user","content":"hi"}],"x_custom":{"keep":[1,2]}}"#
                let response = try await client.post(gw.base + "/v1/chat/completions", json: body, headers: Self.auth)
                #expect(response.status.code == 200)
                #expect(response.headers.first(name: "x-plexus-model") == "demo-fast")
                let json = try await response.json()
                #expect(json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue?.isEmpty == false)
                let sent = await upstream.stats.lastRequestJSON(for: "demo-fast") ?? .null
                #expect(sent["model"]?.stringValue == "demo-fast")
                #expect(sent["x_custom"] == ["keep": [1, 2]])
            }
        }
    }

    @Test func retryableUpstreamErrorFailsOverAndClientErrorDoesNot() async throws {
        try await withMockServer { mockPort, _ in
            try await TestGateway.with(yaml: Self.yaml(mockPort: mockPort)) { gw in
                let client = HTTPClient(eventLoopGroupProvider: .singleton)
                defer { _ = client.shutdown() }
                let ok = try await client.post(
                    gw.base + "/v1/chat/completions",
                    json: #"{"model":"flaky","messages":[{"role":"user","content":"hi"}]}"#, headers: Self.auth)
                #expect(ok.status.code == 200)
                #expect(ok.headers.first(name: "x-plexus-provider") == "local")
                let bad = try await client.post(
                    gw.base + "/v1/chat/completions",
                    json: #"{"model":"bad","messages":[{"role":"user","content":"hi"}]}"#, headers: Self.auth)
                #expect(bad.status.code == 400)
                #expect(try await bad.json()["error"]?["message"]?.stringValue != nil)
                let first = try await client.post(
                    gw.base + "/v1/chat/completions",
                    json: #"{"model":"errorfirst","stream":true,"messages":[{"role":"user","content":"hi"}]}"#,
                    headers: Self.auth)
                #expect(first.status.code == 200)
                #expect(first.headers.first(name: "x-plexus-provider") == "local")
                #expect(try await first.text().contains("[DONE]"))
            }
        }
    }

    @Test(arguments: [
        ([(String, String)](), 401, "authentication_error"),
        ([("authorization", "Bearer nope")], 401, "authentication_error"),
        (auth, 404, "invalid_request_error"),
    ])
    func errorsComeInOpenAIShapeAndAreLogged(headers: [(String, String)], status: Int, type: String) async throws {
        try await TestGateway.with(yaml: Self.yaml(mockPort: 9)) { gw in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            let response = try await client.post(
                gw.base + "/v1/chat/completions",
                json: #"{"model":"unknown-alias","messages":[{"role":"user","content":"hi"}]}"#, headers: headers)
            #expect(Int(response.status.code) == status)
            let json = try await response.json()
            #expect(json["error"]?["type"]?.stringValue == type)
            if status == 404 {
                let message = json["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains("slow") && message.contains("fast"))
            }
            let rows = try await gw.rows(5)
            #expect(rows.count == 1)
            #expect(rows.first?.outcome == .error)
            #expect(rows.first?.httpStatus == status)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let yaml = Self.yaml(mockPort: 9).replacingOccurrences(
            of: "providers:", with: "server:\n  max_body_bytes: 1000\nproviders:")
        try await TestGateway.with(yaml: yaml) { gw in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            let big = String(repeating: "x", count: 5000)
            let response = try await client.post(
                gw.base + "/v1/chat/completions",
                json: #"{"model":"fast","messages":[{"role":"user","content":"\#(big)"}]}"#, headers: Self.auth)
            #expect(response.status.code == 413)
        }
    }

    @Test func modelsListsOnlyTheKeysAliases() async throws {
        try await TestGateway.with(yaml: Self.yaml(mockPort: 9)) { gw in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            var request = HTTPClientRequest(url: gw.base + "/v1/models")
            request.headers.add(name: "authorization", value: "Bearer \(TestGateway.key)")
            let response = try await client.execute(request, timeout: .seconds(10))
            let ids = try await response.json()["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(Set(ids) == ["slow", "fast", "flaky", "bad", "errorfirst"])
        }
    }
}
