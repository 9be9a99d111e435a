import PlexusCore
import Testing

@testable import PlexusMock

@Suite("OpenAI Chat Completions shape")
struct OpenAIShapeTests {
    let upstream = MockUpstream(secret: "test")

    func call(_ body: [UInt8], headers: [(String, String)] = []) async throws -> (MockResponse, [UInt8]) {
        let response = try await upstream.handle(Support.post("/v1/chat/completions", body, headers: headers))
        let (bytes, error) = try await Support.collect(response.body)
        #expect(error == nil)
        return (response, bytes)
    }

    /// A chunk's role in the stream, for comparing event order with real captures.
    static func kind(_ event: SSEEvent) -> String {
        if event.data == "[DONE]" { return "done" }
        guard let json = try? JSONValue(parsing: event.data) else { return "invalid" }
        if json["error"] != nil { return "error" }
        if json["moderation"] != nil { return "moderation" }
        guard let choice = json["choices"]?.arrayValue?.first else {
            return json["usage"]?.isNull == false ? "usage" : "empty"
        }
        if choice["finish_reason"]?.stringValue != nil { return "finish" }
        let delta = choice["delta"]
        if let call = delta?["tool_calls"]?.arrayValue?.first {
            return call["id"] != nil ? (delta?["role"] != nil ? "role+tool_start" : "tool_start") : "tool_args"
        }
        if delta?["reasoning_content"] != nil { return "reasoning" }
        if delta?["role"] != nil { return "role" }
        return delta?["content"] != nil ? "content" : "other"
    }

    @Test(
        "unary bodies have the fixture's keys",
        arguments: [
            ("openai/text-nonstream.request.json", "openai/text-nonstream.json", "demo-fast", "stop"),
            ("openai/tool-call-nonstream.request.json", "openai/tool-call-nonstream.json", "demo-tools", "tool_calls"),
            (
                "openai/tool-call-parallel-nonstream.request.json", "openai/tool-call-parallel-nonstream.json",
                "mock:tools=2", "tool_calls"
            ),
        ])
    func unary(request: String, fixture: String, model: String, finish: String) async throws {
        let (response, bytes) = try await call(try Support.request(request, model: model))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        let json = try JSONValue(parsing: bytes)
        #expect(Support.missingKeys(mock: json, fixture: try Support.fixtureJSON(fixture)) == [])
        #expect(json["model"]?.stringValue == model)
        #expect(json["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue == finish)
        let usage = try #require(json["usage"])
        #expect(
            usage["total_tokens"]?.intValue == (usage["prompt_tokens"]?.intValue ?? 0)
                + (usage["completion_tokens"]?.intValue ?? 0))
    }

    @Test func toolCallsUseTheRequestsToolsAndSchemas() async throws {
        let body = try Support.request("openai/tool-call-parallel-nonstream.request.json", model: "mock:tools=2")
        let (_, bytes) = try await call(body)
        let calls = try #require(
            try JSONValue(parsing: bytes)["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue)
        #expect(calls.compactMap { $0["function"]?["name"]?.stringValue } == ["create_file", "delete_file"])
        for call in calls {
            let args = try JSONValue(parsing: try #require(call["function"]?["arguments"]?.stringValue))
            #expect(args["path"]?.stringValue != nil)
            #expect(call["id"]?.stringValue?.hasPrefix("call_") == true)
        }
    }

    @Test func defaultToolIsGetWeather() async throws {
        let (_, bytes) = try await call(
            Support.json(#"{"model":"demo-tools","messages":[{"role":"user","content":"hi"}]}"#))
        let call = try JSONValue(parsing: bytes)["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?
            .first
        #expect(call?["function"]?["name"]?.stringValue == "get_weather")
        #expect(call?["function"]?["arguments"]?.stringValue == #"{"city":"Paris"}"#)
    }

    @Test(
        "streams follow the captures' event order",
        arguments: [
            (
                "openai/text-stream-include-usage-gpt5.request.json", "openai/text-stream-include-usage-gpt5.sse",
                "demo-fast"
            ),
            (
                "openai/tool-call-stream-include-usage.request.json", "openai/tool-call-stream-include-usage.sse",
                "demo-tools"
            ),
            ("openai/tool-result-followup-stream.request.json", "openai/tool-result-followup-stream.sse", "demo-fast"),
        ])
    func stream(request: String, fixture: String, model: String) async throws {
        let (response, bytes) = try await call(try Support.request(request, model: model, stream: true))
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        let mine = Support.sse(bytes)
        let theirs = Support.sse(try Support.fixture(fixture)).filter { Self.kind($0) != "moderation" }
        #expect(Support.collapsed(mine.map(Self.kind)) == Support.collapsed(theirs.map(Self.kind)))
        // Each kind of chunk carries the keys the real one does.
        for kind in Set(theirs.map(Self.kind)) where kind != "done" {
            let a = try #require(mine.first { Self.kind($0) == kind })
            let b = try #require(theirs.first { Self.kind($0) == kind })
            #expect(
                Support.missingKeys(
                    mock: try JSONValue(parsing: a.data), fixture: try JSONValue(parsing: b.data),
                    ignoring: ["obfuscation"]) == [], "kind \(kind)")
        }
    }

    @Test func streamWithoutIncludeUsageHasNoUsageChunk() async throws {
        let body = Support.json(#"{"model":"mock:tokens=3","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        let (_, bytes) = try await call(body)
        let kinds = Support.sse(bytes).map(Self.kind)
        #expect(kinds == ["role", "content", "content", "content", "finish", "done"])
        #expect(!String(decoding: bytes, as: UTF8.self).contains("\"usage\""))
    }

    @Test func streamedTextAndUsageMatchTheUnaryAnswer() async throws {
        let base =
            #"{"model":"demo-thinking","messages":[{"role":"user","content":"Tell me"}],"stream_options":{"include_usage":true}"#
        let (_, unary) = try await call(Support.json(base + "}"))
        let (_, streamed) = try await call(Support.json(base + #","stream":true}"#))
        let message = try JSONValue(parsing: unary)["choices"]?.arrayValue?.first?["message"]
        var text = ""
        var reasoning = ""
        var usage: JSONValue?
        for event in Support.sse(streamed) where event.data != "[DONE]" {
            let json = try JSONValue(parsing: event.data)
            let delta = json["choices"]?.arrayValue?.first?["delta"]
            text += delta?["content"]?.stringValue ?? ""
            reasoning += delta?["reasoning_content"]?.stringValue ?? ""
            if json["usage"]?.isNull == false { usage = json["usage"] }
        }
        #expect(text == message?["content"]?.stringValue)
        #expect(reasoning == message?["reasoning_content"]?.stringValue)
        #expect(usage == (try JSONValue(parsing: unary))["usage"])
        #expect(usage?["completion_tokens_details"]?["reasoning_tokens"]?.intValue == 20)
        #expect(usage?["completion_tokens"]?.intValue == 50)
    }

    @Test(
        "bad requests get OpenAI's error shape",
        arguments: [
            ("{not json", "Invalid JSON body"),
            (#"{"messages":[{"role":"user","content":"x"}]}"#, "model"),
            (#"{"model":"demo-fast"}"#, "messages"),
            (#"{"model":"mock:tokens=x","messages":[{"role":"user","content":"x"}]}"#, "tokens"),
        ])
    func badRequest(body: String, mention: String) async throws {
        let (response, bytes) = try await call(Support.json(body))
        #expect(response.status == 400)
        let error = try #require(try JSONValue(parsing: bytes)["error"])
        #expect(error["type"]?.stringValue == "invalid_request_error")
        #expect(error["message"]?.stringValue?.contains(mention) == true)
        #expect(error["param"] != nil && error["code"] != nil)
    }

    @Test func maxTokensTruncates() async throws {
        let body = Support.json(
            #"{"model":"demo-fast","max_completion_tokens":4,"messages":[{"role":"user","content":"x"}]}"#)
        let json = try JSONValue(parsing: try await call(body).1)
        #expect(json["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue == "length")
        #expect(json["usage"]?["completion_tokens"]?.intValue == 4)
    }
}
