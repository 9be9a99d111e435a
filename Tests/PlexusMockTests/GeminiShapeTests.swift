import PlexusCore
import Testing

@testable import PlexusMock

@Suite("Gemini generateContent shape")
struct GeminiShapeTests {
    let upstream = MockUpstream(secret: "test")

    func call(_ model: String, _ method: String, _ body: [UInt8]) async throws -> (MockResponse, [UInt8]) {
        let response = try await upstream.handle(
            Support.post(
                "/v1beta/models/\(model):\(method)", body,
                headers: [("x-goog-api-key", "k")]))
        let (bytes, error) = try await Support.collect(response.body)
        #expect(error == nil)
        return (response, bytes)
    }

    /// Part kinds of one response, with signature and finish markers.
    static func kind(_ json: JSONValue) -> String {
        if json["error"] != nil { return "error" }
        let candidate = json["candidates"]?.arrayValue?.first
        var parts = (candidate?["content"]?["parts"]?.arrayValue ?? []).map { part -> String in
            var k = part["functionCall"] != nil ? "call" : (part["thought"]?.boolValue == true ? "thought" : "text")
            if part["thoughtSignature"] != nil { k += "+sig" }
            return k
        }.joined(separator: ",")
        if candidate?["finishReason"] != nil { parts += "+finish" }
        return parts
    }

    static func events(_ sse: [UInt8]) throws -> [JSONValue] {
        try Support.sse(sse).map { try JSONValue(parsing: $0.data) }
    }

    @Test(
        "unary bodies have the fixture's keys",
        arguments: [
            ("gemini/text-nonstream.request.json", "gemini/text-nonstream.json", "demo-thinking"),
            (
                "gemini/function-call-nonstream.request.json", "gemini/function-call-nonstream.json",
                "mock:thinking,tools=1"
            ),
            (
                "gemini/function-call-parallel-nonstream.request.json", "gemini/function-call-parallel-nonstream.json",
                "mock:thinking,tools=3"
            ),
        ])
    func unary(request: String, fixture: String, model: String) async throws {
        let (response, bytes) = try await call(model, "generateContent", try Support.fixture(request))
        #expect(response.status == 200)
        let json = try JSONValue(parsing: bytes)
        #expect(
            Support.missingKeys(mock: json, fixture: try Support.fixtureJSON(fixture), ignoring: ["finishMessage"])
                == [])
        let usage = try #require(json["usageMetadata"])
        let sum = ["promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount"].compactMap { usage[$0]?.intValue }
            .reduce(0, +)
        #expect(usage["totalTokenCount"]?.intValue == sum)
        #expect(usage["thoughtsTokenCount"]?.intValue == 20)
    }

    @Test func functionCallsFollowTheDeclarations() async throws {
        let (_, bytes) = try await call(
            "mock:tools=2", "generateContent", try Support.fixture("gemini/function-call-stream.request.json"))
        let parts =
            try JSONValue(parsing: bytes)["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? []
        #expect(parts.compactMap { $0["functionCall"]?["name"]?.stringValue } == ["get_capital", "get_temperature"])
        #expect(parts.first?["functionCall"]?["args"]?["country"]?.stringValue == "Paris")
        #expect(parts.last?["functionCall"]?["args"]?["city"]?.stringValue == "London")
    }

    @Test(
        "SSE streams follow the captures' event order",
        arguments: [
            ("gemini/text-stream.request.json", "gemini/text-stream.sse", "demo-fast"),
            ("gemini/thinking-stream.request.json", "gemini/thinking-stream.sse", "demo-thinking"),
            ("gemini/function-call-stream.request.json", "gemini/function-call-stream.sse", "demo-tools"),
            (
                "gemini/function-response-followup-stream.request.json", "gemini/function-response-followup-stream.sse",
                "demo-fast"
            ),
        ])
    func sseStream(request: String, fixture: String, model: String) async throws {
        let (response, bytes) = try await call(model, "streamGenerateContent?alt=sse", try Support.fixture(request))
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        let mine = try Self.events(bytes)
        let theirs = try Self.events(try Support.fixture(fixture))
        #expect(Support.collapsed(mine.map(Self.kind)) == Support.collapsed(theirs.map(Self.kind)))
        #expect(
            Support.missingKeys(mock: mine.last!, fixture: theirs.last!, ignoring: ["candidatesTokensDetails"]) == [])
        #expect(
            Support.missingKeys(
                mock: mine.first!, fixture: theirs.first!, ignoring: ["thoughtsTokenCount", "candidatesTokensDetails"])
                == [])
    }

    @Test func jsonArrayStreamHasTheSameEventsAsSSE() async throws {
        let body = try Support.fixture("gemini/thinking-stream.request.json")
        let (response, arrayBytes) = try await call("demo-thinking", "streamGenerateContent", body)
        #expect(response.header("content-type")?.hasPrefix("application/json") == true)
        let array = try #require(try JSONValue(parsing: arrayBytes).arrayValue)
        let sse = try Self.events(try await call("demo-thinking", "streamGenerateContent?alt=sse", body).1)
        #expect(array == sse)
    }

    @Test func streamedTextMatchesUnary() async throws {
        let body = try Support.fixture("gemini/thinking-stream.request.json")
        let unary = try JSONValue(parsing: try await call("demo-thinking", "generateContent", body).1)
        let events = try Self.events(try await call("demo-thinking", "streamGenerateContent?alt=sse", body).1)
        let parts = events.flatMap { $0["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? [] }
        let text = parts.filter { $0["thought"] == nil }.compactMap { $0["text"]?.stringValue }.joined()
        let unaryParts = unary["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? []
        #expect(text == unaryParts.last?["text"]?.stringValue)
        #expect(events.last?["usageMetadata"] == unary["usageMetadata"])
    }

    @Test func countTokensMatchesGenerationInput() async throws {
        let contents = #"{"contents":[{"role":"user","parts":[{"text":"Count the tokens in this request please"}]}]}"#
        let counted = try JSONValue(parsing: try await call("demo-fast", "countTokens", Support.json(contents)).1)
        let wrapped =
            #"{"generateContentRequest":{"model":"models/demo-fast","contents":[{"role":"user","parts":[{"text":"Count the tokens in this request please"}]}]}}"#
        let counted2 = try JSONValue(parsing: try await call("demo-fast", "countTokens", Support.json(wrapped)).1)
        let generated = try JSONValue(parsing: try await call("demo-fast", "generateContent", Support.json(contents)).1)
        #expect(counted["totalTokens"] == generated["usageMetadata"]?["promptTokenCount"])
        #expect(counted2["totalTokens"] == counted["totalTokens"])
    }

    @Test(
        "bad requests get Gemini's error shape",
        arguments: [
            ("{\"contents\": [", "Invalid JSON body"),
            ("{}", "contents"),
        ])
    func badRequest(body: String, mention: String) async throws {
        let (response, bytes) = try await call("demo-fast", "generateContent", Support.json(body))
        #expect(response.status == 400)
        let error = try #require(try JSONValue(parsing: bytes)["error"])
        #expect(error["status"]?.stringValue == "INVALID_ARGUMENT")
        #expect(error["code"]?.intValue == 400)
        #expect(error["message"]?.stringValue?.contains(mention) == true)
    }

    @Test func snakeCaseRequestsAreRead() async throws {
        let body =
            #"{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generation_config":{"max_output_tokens":3},"tools":[{"function_declarations":[{"name":"lookup","parameters_json_schema":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}]}]}"#
        let short = try JSONValue(parsing: try await call("demo-fast", "generateContent", Support.json(body)).1)
        #expect(short["candidates"]?.arrayValue?.first?["finishReason"]?.stringValue == "MAX_TOKENS")
        let tools = try JSONValue(parsing: try await call("demo-tools", "generateContent", Support.json(body)).1)
        let call = tools["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue?.first?["functionCall"]
        #expect(call?["name"]?.stringValue == "lookup")
        #expect(call?["args"]?["q"]?.stringValue != nil)
    }
}
