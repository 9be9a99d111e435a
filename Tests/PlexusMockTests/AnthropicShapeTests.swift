import PlexusCore
import Testing

@testable import PlexusMock

@Suite("Anthropic Messages shape")
struct AnthropicShapeTests {
    let upstream = MockUpstream(secret: "test")

    func call(_ body: [UInt8], path: String = "/v1/messages") async throws -> (MockResponse, [UInt8]) {
        let response = try await upstream.handle(
            Support.post(path, body, headers: [("x-api-key", "k"), ("anthropic-version", "2023-06-01")]))
        let (bytes, error) = try await Support.collect(response.body)
        #expect(error == nil)
        return (response, bytes)
    }

    /// Event name, refined by block or delta type.
    static func kind(_ event: SSEEvent) -> String {
        let json = try? JSONValue(parsing: event.data)
        switch event.event ?? "" {
        case "content_block_start": return "start:" + (json?["content_block"]?["type"]?.stringValue ?? "?")
        case "content_block_delta": return "delta:" + (json?["delta"]?["type"]?.stringValue ?? "?")
        case let name: return name
        }
    }

    @Test(
        "unary bodies have the fixture's keys and block types",
        arguments: [
            ("anthropic/text-nonstream.request.json", "anthropic/text-nonstream.json", "demo-fast"),
            ("anthropic/thinking-nonstream.request.json", "anthropic/thinking-nonstream.json", "demo-thinking"),
            (
                "anthropic/tool-use-parallel-nonstream.request.json", "anthropic/tool-use-parallel-nonstream.json",
                "mock:tokens=10,tools=4"
            ),
            (
                "anthropic/thinking-with-tool-nonstream.request.json", "anthropic/thinking-with-tool-nonstream.json",
                "mock:thinking,tokens=8,tools=1"
            ),
            (
                "anthropic/redacted-thinking-nonstream.request.json", "anthropic/redacted-thinking-nonstream.json",
                "mock:redacted"
            ),
        ])
    func unary(request: String, fixture: String, model: String) async throws {
        let (response, bytes) = try await call(try Support.request(request, model: model))
        #expect(response.status == 200)
        let json = try JSONValue(parsing: bytes)
        let real = try Support.fixtureJSON(fixture)
        #expect(Support.missingKeys(mock: json, fixture: real, ignoring: ["inference_geo"]) == [])
        let types = { (v: JSONValue) in v["content"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? [] }
        #expect(Support.collapsed(types(json)) == Support.collapsed(types(real)))
        #expect(json["stop_reason"] == real["stop_reason"])
    }

    @Test func toolUseTakesTheDeclaredSchema() async throws {
        let body = try Support.request("anthropic/tool-use-parallel-nonstream.request.json", model: "mock:tools=4")
        let json = try JSONValue(parsing: try await call(body).1)
        let calls = (json["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "tool_use" }
        #expect(calls.count == 4)
        #expect(Set(calls.compactMap { $0["id"]?.stringValue }).count == 4)
        for call in calls {
            #expect(call["name"]?.stringValue == "retrieve_entity_info")
            #expect(call["input"]?["name"]?.stringValue != nil)
            #expect(call["id"]?.stringValue?.hasPrefix("toolu_") == true)
        }
    }

    @Test(
        "streams follow the captures' event order",
        arguments: [
            ("anthropic/text-stream.request.json", "anthropic/text-stream.sse", "demo-fast"),
            ("anthropic/thinking-stream.request.json", "anthropic/thinking-stream.sse", "demo-thinking"),
            ("anthropic/tool-use-stream.request.json", "anthropic/tool-use-stream.sse", "demo-tools"),
            (
                "anthropic/tool-result-followup-stream.request.json", "anthropic/tool-result-followup-stream.sse",
                "demo-fast"
            ),
        ])
    func stream(request: String, fixture: String, model: String) async throws {
        let (response, bytes) = try await call(try Support.request(request, model: model, stream: true))
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        let mine = Support.sse(bytes)
        let theirs = Support.sse(try Support.fixture(fixture))
        #expect(Support.collapsed(mine.map(Self.kind)) == Support.collapsed(theirs.map(Self.kind)))
        for kind in Set(theirs.map(Self.kind)) {
            let a = try #require(mine.first { Self.kind($0) == kind })
            let b = try #require(theirs.first { Self.kind($0) == kind })
            #expect(
                Support.missingKeys(
                    mock: try JSONValue(parsing: a.data), fixture: try JSONValue(parsing: b.data),
                    ignoring: ["inference_geo", "stop_details", "caller"]) == [], "kind \(kind)")
        }
    }

    @Test func streamIndicesAreContiguousAndMatchTheUnaryAnswer() async throws {
        let base =
            #"{"model":"mock:thinking=5,tokens=6,tools=2,redacted","max_tokens":100,"messages":[{"role":"user","content":"go"}]"#
        let unary = try JSONValue(parsing: try await call(Support.json(base + "}")).1)
        let events = Support.sse(try await call(Support.json(base + #","stream":true}"#)).1)
        var starts: [Int] = []
        var stops: [Int] = []
        var text = ""
        var thinking = ""
        var signature = ""
        var args: [Int: String] = [:]
        for event in events {
            let json = try JSONValue(parsing: event.data)
            let index = json["index"]?.intValue ?? -1
            switch event.event {
            case "content_block_start": starts.append(index)
            case "content_block_stop": stops.append(index)
            case "content_block_delta":
                let d = json["delta"]
                text += d?["text"]?.stringValue ?? ""
                thinking += d?["thinking"]?.stringValue ?? ""
                signature += d?["signature"]?.stringValue ?? ""
                args[index, default: ""] += d?["partial_json"]?.stringValue ?? ""
            default: break
            }
        }
        let blocks = unary["content"]?.arrayValue ?? []
        #expect(starts == Array(0..<blocks.count))
        #expect(stops == starts)
        #expect(thinking == blocks[0]["thinking"]?.stringValue)
        #expect(signature == blocks[0]["signature"]?.stringValue)
        #expect(blocks[1]["type"]?.stringValue == "redacted_thinking")
        #expect(text == blocks[2]["text"]?.stringValue)
        #expect(try JSONValue(parsing: args[3] ?? "") == blocks[3]["input"])
        let delta = try #require(events.first { $0.event == "message_delta" })
        #expect(try JSONValue(parsing: delta.data)["usage"]?["output_tokens"] == unary["usage"]?["output_tokens"])
    }

    @Test func countTokensMatchesGenerationInput() async throws {
        let body =
            #"{"model":"demo-fast","max_tokens":10,"messages":[{"role":"user","content":"How many tokens is this sentence?"}]}"#
        let counted = try JSONValue(parsing: try await call(Support.json(body), path: "/v1/messages/count_tokens").1)
        let generated = try JSONValue(parsing: try await call(Support.json(body)).1)
        #expect(counted["input_tokens"]?.intValue != nil)
        #expect(counted["input_tokens"] == generated["usage"]?["input_tokens"])
    }

    @Test(
        "bad requests get Anthropic's error shape",
        arguments: [
            ("[1,", "Invalid JSON body"),
            (#"{"model":"demo-fast","messages":[{"role":"user","content":"x"}]}"#, "max_tokens"),
            (#"{"model":"demo-fast","max_tokens":5}"#, "messages"),
        ])
    func badRequest(body: String, mention: String) async throws {
        let (response, bytes) = try await call(Support.json(body))
        #expect(response.status == 400)
        let json = try JSONValue(parsing: bytes)
        #expect(json["type"]?.stringValue == "error")
        #expect(json["error"]?["type"]?.stringValue == "invalid_request_error")
        #expect(json["error"]?["message"]?.stringValue?.contains(mention) == true)
    }
}
