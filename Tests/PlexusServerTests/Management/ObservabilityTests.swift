import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 5, points 4–6: traces, secrets kept out of everything, live events and metrics.
@Suite("Traces, secrets, events, metrics", .serialized, .timeLimit(.minutes(3)))
struct ObservabilityTests {
    static let yaml =
        managementYAML("").replacingOccurrences(
            of: "${DEMO_UPSTREAM_KEY:-sk-upstream-canary-default}", with: "${UPSTREAM_CANARY}")
            + """

            debug: { capture: false, capture_on_error: true }
            """

    @Test func aTraceOfATranslatedStreamReconstructsWhatTheClientReceived() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            #expect(try await gw.admin(.PATCH, "/v0/management/debug", body: #"{"capture": true}"#).status == 200)
            let answer = try await gw.chat("via-messages", stream: true, prompt: "tell me")
            #expect(answer.status == 200 && !answer.passthrough)
            let received = Self.streamedText(answer.body)
            #expect(!received.isEmpty)
            let id = try #require(try await gw.rowsWhenWritten(1).first?.requestID)
            let trace = try await gw.admin(.GET, "/v0/management/debug/traces/\(id)").json
            #expect(trace["final_message"]?["choices"]?[0]?["message"]?["content"]?.stringValue == received)
            #expect(trace["upstream_request"]?["body"]?["max_tokens"] != nil, "the transformed request is Anthropic's")
            let upstreamEvents = trace["upstream_response"]?["events"]?.arrayValue ?? []
            #expect(upstreamEvents.contains { $0["event"]?.stringValue == "message_start" })
            #expect(upstreamEvents.allSatisfy { $0["at_ms"]?.doubleValue != nil })
            let clientEvents = trace["client_response"]?["events"]?.arrayValue ?? []
            #expect(clientEvents.count > 2)
            let listed = try await gw.admin(.GET, "/v0/management/usage").json
            #expect(listed["items"]?[0]?["has_trace"]?.boolValue == true)
            // The kind filter: this chat row is listed as chat, not as embeddings; an unknown kind is a 400.
            let chats = try await gw.admin(.GET, "/v0/management/usage?kind=chat").json["items"]?.arrayValue ?? []
            #expect(chats.count == 1)
            let vectors = try await gw.admin(.GET, "/v0/management/usage?kind=embeddings").json["items"]?.arrayValue
            #expect(vectors?.isEmpty == true)
            #expect(try await gw.admin(.GET, "/v0/management/usage?kind=images").status == 400)
            // The protocol filters: a chat client reached a messages target.
            let byTarget = try await gw.admin(.GET, "/v0/management/usage?client_api=chat&target_api=messages").json
            #expect(byTarget["items"]?.arrayValue?.count == 1)
            let otherClient = try await gw.admin(.GET, "/v0/management/usage?client_api=gemini").json
            #expect(otherClient["items"]?.arrayValue?.isEmpty == true)
            #expect(try await gw.admin(.GET, "/v0/management/usage?target_api=soap").status == 400)
        }
    }

    /// The hot path reads the raw head: the client's headers still reach the trace, and its `anthropic-beta`
    /// values reach an Anthropic upstream.
    @Test func clientHeadersReachTheTraceAndAnthropicBetaIsPassedOn() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            _ = try await gw.admin(.PATCH, "/v0/management/debug", body: #"{"capture": true}"#)
            let response = try await HTTPClient.shared.post(
                gw.base + "/v1/chat/completions",
                json: #"{"model":"via-messages","messages":[{"role":"user","content":"hi"}]}"#,
                headers: [
                    ("authorization", "Bearer \(TestGateway.key)"), ("anthropic-beta", "b1"),
                    ("Anthropic-Beta", "b2"), ("x-client-note", "n"),
                ])
            #expect(response.status.code == 200)
            let id = try #require(try await gw.rowsWhenWritten(1).first?.requestID)
            let trace = try await gw.admin(.GET, "/v0/management/debug/traces/\(id)").json
            let client = trace["client_request"]?["headers"]
            #expect(client?["x-client-note"]?.stringValue == "n")
            #expect(client?["authorization"]?.stringValue == "[redacted]")
            let upstream = trace["upstream_request"]?["headers"]
            #expect(upstream?["anthropic-beta"]?.stringValue == "b2", "the last of the two lines")
            #expect(upstream?["anthropic-version"]?.stringValue == "2023-06-01")
            // The next request to the same target without the header sends none: the target's fixed request
            // part (worked out once per candidate) never holds a client's header.
            #expect(try await gw.chat("via-messages").status == 200)
            let next = try #require(try await gw.rowsWhenWritten(2).first?.requestID)
            #expect(next != id)
            let plain = try await gw.admin(.GET, "/v0/management/debug/traces/\(next)").json
            #expect(plain["upstream_request"]?["headers"]?["anthropic-beta"] == nil)
            #expect(plain["upstream_request"]?["headers"]?["anthropic-version"]?.stringValue == "2023-06-01")
        }
    }

    @Test func secretsNeverAppearInTracesLogsErrorsAnswersOrTheFile() async throws {
        let logs = LogBuffer()
        // Configured headers carry credentials too (an Azure `api-key`, a custom auth header): from `${NAME}` or
        // written in the file, their values stay out of traces.
        let yaml = Self.yaml.replacingOccurrences(
            of: "models:\n",
            with: "models:\n  failing2:\n    targets: [ { provider: demo, model: \"mock:fail=400\" } ]\n"
        )
        .replacingOccurrences(
            of: "    api_key: ${UPSTREAM_CANARY}\n",
            with:
                "    api_key: ${UPSTREAM_CANARY}\n    headers: { api-key: \"${UPSTREAM_CANARY}\", X-Custom-Auth: \"literal-header-canary\" }\n"
        )
        #expect(yaml.contains("X-Custom-Auth"))
        try await TestGateway.with(yaml: yaml, logs: logs) { gw in
            _ = try await gw.admin(.PATCH, "/v0/management/debug", body: #"{"capture": true}"#)
            var answers: [String] = []
            answers.append(try await gw.chat("demo").body)
            answers.append(try await gw.chat("demo", stream: true).body)
            answers.append(try await gw.chat("via-messages", stream: true).body)
            answers.append(try await gw.chat("failing2").body)
            answers.append(
                try await gw.send(
                    "/v1beta/models/demo:generateContent?key=\(TestGateway.key)",
                    body: #"{"contents":[{"parts":[{"text":"x"}]}]}"#
                ).body)
            _ = try await gw.admin(
                .PUT, "/v0/management/models/another",
                body: #"{"targets": [{"provider": "demo", "model": "demo-fast"}]}"#)
            let rows = try await gw.rowsWhenWritten(5)
            for path in [
                "/v0/management/usage", "/v0/management/errors", "/v0/management/debug/traces",
                "/v0/management/providers", "/v0/management/keys", "/v0/management/config",
                "/v0/management/config/status",
            ] {
                answers.append(try await gw.admin(.GET, path).body)
            }
            for row in rows {
                answers.append(try await gw.admin(.GET, "/v0/management/debug/traces/\(row.requestID)").body)
            }
            let everything = answers.joined() + logs.text + gw.configText
            #expect(everything.contains("[redacted]"), "traces were captured and redacted")
            var traces = ""
            for row in rows { traces += try await gw.admin(.GET, "/v0/management/debug/traces/\(row.requestID)").body }
            #expect(traces.contains("x-custom-auth") && !traces.contains("literal-header-canary"))
            for secret in [TestGateway.key, TestGateway.upstreamCanary, TestGateway.adminKey] {
                #expect(!everything.contains(secret), "\(secret) leaked")
            }
        }
    }

    @Test func liveEventsAndMetricsSeeRequests() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            var request = HTTPClientRequest(url: gw.base + "/v0/management/events")
            request.headers.add(name: "x-admin-key", value: TestGateway.adminKey)
            let events = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(events.status == .ok)
            var iterator = events.body.makeAsyncIterator()
            _ = try await iterator.next()  // ": connected"
            _ = try await gw.chat("demo")
            var seen = ""
            while !seen.contains("event: request_finished"), let chunk = try await iterator.next() {
                seen += String(buffer: chunk)
            }
            #expect(seen.contains("event: request_started"))
            #expect(seen.contains("\"alias\":\"demo\""))
            let metrics = try await gw.admin(.GET, "/metrics").body
            #expect(metrics.contains("plexus_requests_total{"))
            #expect(metrics.contains("alias=\"demo\""))
            #expect(metrics.contains("plexus_tokens_total"))
            #expect(metrics.contains("plexus_in_flight_requests"))
        }
    }

    @Test func inFlightListsARunningRequestUntilItEnds() async throws {
        let yaml = Self.yaml.replacingOccurrences(
            of: "models:\n",
            with: "models:\n  slowly:\n    targets: [ { provider: demo, model: \"mock:tokens=40,tps=20\" } ]\n")
        try await TestGateway.with(yaml: yaml) { gw in
            // A 2 s stream, watched for up to 5 s: on a loaded machine the request may start late.
            async let running = gw.chat("slowly", stream: true)
            var listed: [JSONValue] = []
            for _ in 0..<200 where listed.isEmpty {
                listed = try await gw.admin(.GET, "/v0/management/inflight").json["requests"]?.arrayValue ?? []
                if listed.isEmpty { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(listed.first?["alias"]?.stringValue == "slowly")
            _ = try await running
            let after = try await gw.admin(.GET, "/v0/management/inflight").json["requests"]?.arrayValue
            #expect(after?.isEmpty == true)
        }
    }

    /// The content of an OpenAI stream, joined.
    static func streamedText(_ body: String) -> String {
        body.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("data: {"), let json = try? JSONValue(parsing: String(line.dropFirst(6))) else {
                return nil
            }
            return json["choices"]?[0]?["delta"]?["content"]?.stringValue
        }.joined()
    }
}
