import PlexusCore
import Testing

@testable import PlexusMock

@Suite("OpenAI Responses shape")
struct ResponsesShapeTests {
    let upstream = MockUpstream(secret: "responses")

    static let unaryCaptures = [
        "text.json", "function-call.json", "function-call-parallel.json", "reasoning-function-call.json",
        "reasoning-summary-encrypted.json", "incomplete-max-output-tokens.json",
        "second-turn-function-call-output.json",
        "second-turn-parallel-outputs.json", "usage-cached-reasoning-tokens.json", "previous-response-id.json",
    ]

    static let streamCaptures = [
        "text-stream.sse", "function-call-stream.sse", "reasoning-summary-stream.sse", "reasoning-encrypted-stream.sse",
        "incomplete-max-output-tokens-stream.sse", "previous-response-id-stream.sse",
    ]

    @Test(
        "unary bodies have the captures' keys and types",
        arguments: [
            ("text.request.json", "text.json", "demo-fast", "completed"),
            ("function-call.request.json", "function-call.json", "demo-tools", "completed"),
            (
                "function-call-parallel.request.json", "function-call-parallel.json", "mock:tools=2,thinking",
                "completed"
            ),
            (
                "reasoning-function-call.request.json", "reasoning-function-call.json", "mock:tools=1,thinking",
                "completed"
            ),
            (
                "reasoning-summary-encrypted.request.json", "reasoning-summary-encrypted.json", "demo-thinking",
                "completed"
            ),
            (
                "incomplete-max-output-tokens.request.json", "incomplete-max-output-tokens.json",
                "mock:thinking,tokens=80", "incomplete"
            ),
        ])
    func unary(request: String, capture: String, model: String, status: String) async throws {
        let (response, bytes, _) = try await Responses.call(
            upstream, try Support.request("responses/" + request, model: model))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("x-request-id")?.hasPrefix("req_") == true)
        let json = try JSONValue(parsing: bytes)
        let theirs = try Support.fixtureJSON("responses/" + capture)
        #expect(Support.missingKeys(mock: json, fixture: theirs, ignoring: Responses.modelSpecific) == [])
        // Nothing the captures never show, and no value of a kind they never have.
        let all = try Self.unaryCaptures.map { try Support.fixtureJSON("responses/" + $0) }
        let known = all.reduce(into: Set<String>()) { $0.formUnion(Support.keyPaths($1)) }
        #expect(Support.keyPaths(json).subtracting(known).sorted() == [])
        #expect(Responses.kindMismatches(mock: json, captures: all) == [])
        #expect(json["object"]?.stringValue == "response")
        #expect(json["status"]?.stringValue == status)
        #expect(json["model"]?.stringValue == model)
        #expect(json["id"]?.stringValue?.hasPrefix("resp_") == true)
        let usage = try #require(json["usage"])
        #expect(
            usage["total_tokens"]?.intValue == (usage["input_tokens"]?.intValue ?? 0)
                + (usage["output_tokens"]?.intValue ?? 0))
        for item in json["output"]?.arrayValue ?? [] {
            let prefix =
                switch item["type"]?.stringValue {
                case "reasoning": "rs_"
                case "message": "msg_"
                default: "fc_"
                }
            #expect(item["id"]?.stringValue?.hasPrefix(prefix) == true)
            #expect(item["id"]?.stringValue?.count == prefix.count + 50)
        }
    }

    @Test func functionCallsUseTheRequestsToolsInParallel() async throws {
        let body = try Support.request("responses/function-call-parallel.request.json", model: "mock:tools=2")
        let json = try JSONValue(parsing: try await Responses.call(upstream, body).bytes)
        let calls = (json["output"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "function_call" }
        #expect(calls.compactMap { $0["name"]?.stringValue } == ["weather", "best_language_to_learn"])
        for call in calls {
            #expect(call["call_id"]?.stringValue?.hasPrefix("call_") == true)
            #expect(call["call_id"]?.stringValue?.count == 29)
            #expect(call["status"]?.stringValue == "completed")
            #expect((try? JSONValue(parsing: call["arguments"]?.stringValue ?? "")) != nil)
        }
        // Echoed tools read back as OpenAI normalises them.
        #expect(json["tools"]?.arrayValue?.first?["name"]?.stringValue == "weather")
        #expect(json["tools"]?.arrayValue?.first?["strict"]?.boolValue == false)
    }

    @Test func reasoningShowsSummaryAndEncryptedContentOnlyWhenAsked() async throws {
        for (rest, summary, encrypted) in [
            (#""input":"x""#, false, false),
            (#""input":"x","reasoning":{"summary":"auto"}"#, true, false),
            (#""input":"x","include":["reasoning.encrypted_content"]"#, false, true),
            (
                #""input":"x","reasoning":{"effort":"high","summary":"concise"},"include":["reasoning.encrypted_content"]"#,
                true, true
            ),
        ] {
            let json = try JSONValue(
                parsing: try await Responses.call(upstream, Responses.body("demo-thinking", rest)).bytes)
            let item = try #require(json["output"]?.arrayValue?.first)
            #expect(item["type"]?.stringValue == "reasoning")
            #expect((item["summary"]?.arrayValue?.isEmpty == false) == summary, "\(rest)")
            #expect((item["encrypted_content"] != nil) == encrypted, "\(rest)")
            #expect(json["usage"]?["output_tokens_details"]?["reasoning_tokens"]?.intValue == 20)
            #expect(json["usage"]?["output_tokens"]?.intValue == 50)
            if summary {
                #expect(item["summary"]?.arrayValue?.first?["text"]?.stringValue?.hasPrefix("Considering") == true)
            }
        }
        let high = try JSONValue(
            parsing: try await Responses.call(
                upstream,
                Responses.body(
                    "demo-thinking",
                    #""input":"x","reasoning":{"effort":"high","summary":"auto"}"#)
            ).bytes)
        #expect(high["reasoning"] == ["effort": "high", "summary": "detailed"])
    }

    @Test(
        "streams follow the captures' grammar and event order",
        arguments: [
            ("text-stream.request.json", "text-stream.sse", "demo-fast", true),
            ("function-call-stream.request.json", "function-call-stream.sse", "demo-tools", true),
            ("reasoning-summary-stream.request.json", "reasoning-summary-stream.sse", "demo-thinking", true),
            ("reasoning-encrypted-stream.request.json", "reasoning-encrypted-stream.sse", "demo-thinking", true),
            // OpenAI's capture ran out while reasoning; the mock runs out in its text.
            (
                "incomplete-max-output-tokens-stream.request.json", "incomplete-max-output-tokens-stream.sse",
                "mock:thinking,tokens=80", false
            ),
        ])
    func stream(request: String, capture: String, model: String, sameOrder: Bool) async throws {
        let (response, bytes, error) = try await Responses.call(
            upstream, try Support.request("responses/" + request, model: model, stream: true))
        #expect(error == nil)
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(response.header("x-request-id") != nil)
        let mine = Support.sse(bytes)
        let theirs = Support.sse(try Support.fixture("responses/" + capture))
        #expect(Responses.grammarProblems(theirs) == [], "the checker accepts the capture")
        #expect(Responses.grammarProblems(mine) == [])
        if sameOrder { #expect(Responses.shape(mine) == Responses.shape(theirs)) }
        #expect(Responses.shape(mine).first == Responses.shape(theirs).first)
        #expect(Responses.shape(mine).last == Responses.shape(theirs).last)
        // Each event type (per item type for items) carries the keys the real one does.
        func key(_ e: SSEEvent) -> String {
            let json = Responses.data(e)
            return (json["type"]?.stringValue ?? "") + "/" + (json["item"]?["type"]?.stringValue ?? "")
        }
        for kind in Set(theirs.map(key)) {
            guard let b = theirs.first(where: { key($0) == kind }) else { continue }
            let a = try #require(mine.first { key($0) == kind }, "no \(kind)")
            #expect(
                Support.missingKeys(
                    mock: Responses.data(a), fixture: Responses.data(b), ignoring: Responses.modelSpecific) == [],
                "\(kind)")
        }
    }

    @Test func everyStreamEventHasACapturedKind() async throws {
        let captured = try Self.streamCaptures.flatMap { Support.sse(try Support.fixture("responses/" + $0)) }
        var known: [String: Set<String>] = [:]
        for event in captured {
            known[event.event ?? "", default: []].formUnion(Support.keyPaths(Responses.data(event)))
        }
        let body = Responses.body(
            "mock:thinking,tools=2,tokens=5",
            #""input":"x","stream":true,"reasoning":{"summary":"auto"},"include":["reasoning.encrypted_content"]"#)
        let events = Support.sse(try await Responses.call(upstream, body).bytes)
        #expect(Responses.grammarProblems(events) == [])
        for event in events {
            let paths = try #require(known[event.event ?? ""], "unknown event \(event.event ?? "nil")")
            #expect(Support.keyPaths(Responses.data(event)).subtracting(paths).sorted() == [], "\(event.event ?? "")")
        }
    }

    @Test func streamMatchesTheUnaryAnswer() async throws {
        for model in [
            "demo-fast", "demo-tools", "demo-thinking", "mock:thinking,tools=2,tokens=7,chunk=3",
            "mock:stop=max_tokens",
        ] {
            let rest =
                #""input":"Tell me","reasoning":{"summary":"detailed"},"include":["reasoning.encrypted_content"]"#
            let unary = try JSONValue(parsing: try await Responses.call(upstream, Responses.body(model, rest)).bytes)
            let events = Support.sse(
                try await Responses.call(upstream, Responses.body(model, rest + #","stream":true"#)).bytes)
            #expect(Responses.grammarProblems(events) == [], "\(model)")
            guard case .object(var final) = Responses.data(try #require(events.last))["response"] ?? .null,
                case .object(var expected) = unary
            else {
                Issue.record("no response")
                continue
            }
            expected["billing"] = nil
            final["billing"] = nil
            #expect(JSONValue.object(final) == .object(expected), "\(model)")
            // The deltas add up to the done texts.
            var text = ""
            var summary = ""
            var arguments = ""
            for event in events {
                let json = Responses.data(event)
                switch json["type"]?.stringValue {
                case "response.output_text.delta": text += json["delta"]?.stringValue ?? ""
                case "response.output_text.done": #expect(json["text"]?.stringValue == text)
                case "response.reasoning_summary_text.delta": summary += json["delta"]?.stringValue ?? ""
                case "response.reasoning_summary_text.done": #expect(json["text"]?.stringValue == summary)
                case "response.function_call_arguments.delta": arguments += json["delta"]?.stringValue ?? ""
                case "response.function_call_arguments.done":
                    #expect(json["arguments"]?.stringValue == arguments)
                    arguments = ""
                default: break
                }
            }
        }
    }

    @Test func theInProgressReasoningItemCarriesOtherEncryptedContent() async throws {
        let body = Responses.body(
            "demo-thinking", #""input":"x","stream":true,"include":["reasoning.encrypted_content"]"#)
        let events = Support.sse(try await Responses.call(upstream, body).bytes).map(Responses.data)
        let added = try #require(events.first { $0["type"]?.stringValue == "response.output_item.added" }?["item"])
        let done = try #require(events.first { $0["type"]?.stringValue == "response.output_item.done" }?["item"])
        let early = try #require(added["encrypted_content"]?.stringValue)
        let final = try #require(done["encrypted_content"]?.stringValue)
        #expect(early != final)
        #expect(upstream.verifySignature(final))
        #expect(!upstream.verifySignature(early))
        // Without a summary nothing streams while the model reasons.
        #expect(!events.contains { $0["type"]?.stringValue?.hasPrefix("response.reasoning_summary") == true })
    }

    @Test func obfuscationCanBeTurnedOff() async throws {
        let on = try await Responses.call(upstream, Responses.body("mock:tokens=3", #""input":"x","stream":true"#))
            .bytes
        let off = try await Responses.call(
            upstream,
            Responses.body(
                "mock:tokens=3",
                #""input":"x","stream":true,"stream_options":{"include_obfuscation":false}"#)
        ).bytes
        #expect(String(decoding: on, as: UTF8.self).contains("\"obfuscation\":"))
        #expect(!String(decoding: off, as: UTF8.self).contains("obfuscation"))
    }

    @Test func outputCapMakesTheResponseIncomplete() async throws {
        let json = try JSONValue(
            parsing: try await Responses.call(
                upstream, Responses.body("demo-fast", #""input":"x","max_output_tokens":16"#)
            ).bytes)
        #expect(json["status"]?.stringValue == "incomplete")
        #expect(json["incomplete_details"] == ["reason": "max_output_tokens"])
        #expect(json["completed_at"]?.isNull == true)
        #expect(json["output"]?.arrayValue?.first?["status"]?.stringValue == "incomplete")
        #expect(json["usage"]?["output_tokens"]?.intValue == 16)
        let events = Support.sse(
            try await Responses.call(
                upstream,
                Responses.body(
                    "demo-fast",
                    #""input":"x","max_output_tokens":16,"stream":true"#)
            ).bytes)
        #expect(Responses.data(try #require(events.last))["type"]?.stringValue == "response.incomplete")
    }

    @Test func sameRequestSameBytes() async throws {
        let other = MockUpstream(secret: "responses")
        for stream in [false, true] {
            let body = Responses.body(
                "mock:thinking,tools=2", #""input":"x","include":["reasoning.encrypted_content"],"stream":\#(stream)"#)
            let one = try await Responses.call(upstream, body).bytes
            #expect(one == (try await Responses.call(upstream, body).bytes))
            #expect(one == (try await Responses.call(other, body).bytes))
        }
    }

    @Test func inputTokensCountsLikeGeneration() async throws {
        let body = Responses.body("demo-fast", #""input":"a fairly long question about the weather in Paris""#)
        let count = try await upstream.handle(Support.post("/v1/responses/input_tokens", body))
        let counted = try JSONValue(parsing: try await Support.collect(count.body).bytes)
        #expect(counted["object"]?.stringValue == "response.input_tokens")
        let usage = try JSONValue(parsing: try await Responses.call(upstream, body).bytes)["usage"]
        #expect(counted["input_tokens"] == usage?["input_tokens"])
    }

    @Test(
        "shape errors as OpenAI words them",
        arguments: [
            ("{not json", "Invalid JSON body", nil as String?),
            (#"{"input":"x"}"#, "Missing required parameter: 'model'.", "model"),
            (#"{"model":"demo-fast"}"#, "Missing required parameter: 'input'.", "input"),
            (#"{"model":"demo-fast","input":{"role":"user"}}"#, "Invalid type for 'input'", "input"),
            (
                #"{"model":"demo-fast","input":"x","max_output_tokens":5}"#,
                "Expected a value >= 16, but got 5 instead.", "max_output_tokens"
            ),
            (
                #"{"model":"demo-fast","input":"x","tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}"#,
                "Missing required parameter: 'tools[0].name'.", "tools[0].name"
            ),
            (
                #"{"model":"demo-fast","input":[{"role":"assistant","content":[{"type":"input_text","text":"x"}]}]}"#,
                "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.", "input[0].content[0]"
            ),
            (
                #"{"model":"demo-fast","input":[{"role":"bot","content":"x"}]}"#,
                "Invalid value: 'bot'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
                "input[0].role"
            ),
            (
                #"{"model":"demo-fast","input":[{"type":"function_call","call_id":"c","name":"f"}]}"#,
                "Missing required parameter: 'input[0].arguments'.", "input[0].arguments"
            ),
            (
                #"{"model":"demo-fast","input":[{"type":"tool_result","content":"x"}]}"#,
                "Invalid value: 'tool_result'.", "input[0].type"
            ),
            (#"{"model":"mock:tokens=x","input":"x"}"#, "tokens", nil),
        ])
    func badRequest(body: String, mention: String, param: String?) async throws {
        let (response, bytes, _) = try await Responses.call(upstream, Support.json(body))
        #expect(response.status == 400)
        let error = try #require(try JSONValue(parsing: bytes)["error"])
        #expect(error["type"]?.stringValue == "invalid_request_error")
        #expect(error["message"]?.stringValue?.contains(mention) == true, "\(error)")
        #expect(error["param"]?.stringValue == param)
        #expect(error["code"] != nil)
    }
}
