import Foundation
import PlexusCore
import Testing

/// Every captured request, decoded, encoded for every target protocol and decoded back.
@Suite struct FixtureRequestTests {
    /// Requests a target cannot express, with the field the refusal must name.
    static let refusals: [String: String] = [
        "anthropic/pause-turn-stream.request.json>chat": "tools[web_search]",
        "anthropic/pause-turn-stream.request.json>gemini": "tools[web_search]",
        "gemini/cached-content-tokens.request.json>chat": "cachedContent",
        "gemini/cached-content-tokens.request.json>messages": "cachedContent",
        "gemini/implicit-cache-video.request.json>chat": "messages[0].content[1]",
        "gemini/implicit-cache-video.request.json>messages": "messages[0].content[1]",
        "openai/error-400-web-search-unsupported.request.json>messages": "web_search_options",
        "openai/error-400-web-search-unsupported.request.json>gemini": "web_search_options",
        // Responses has no stop sequences and no video input; built-in tools and Gemini caches stay home.
        "anthropic/pause-turn-stream.request.json>responses": "tools[web_search]",
        "anthropic/stop-sequence-nonstream.request.json>responses": "stop",
        "anthropic/stop-sequence-stream.request.json>responses": "stop",
        "gemini/cached-content-tokens.request.json>responses": "cachedContent",
        "gemini/implicit-cache-video.request.json>responses": "messages[0].content[1]",
        "gemini/stop-sequence.request.json>responses": "stop",
        "openai/error-400-web-search-unsupported.request.json>responses": "web_search_options",
        "openai/stop-sequence.request.json>responses": "stop",
        // A continuation needs the stored history, which the server expands first.
        "responses/previous-response-id.request.json>chat": "previous_response_id",
        "responses/previous-response-id.request.json>messages": "previous_response_id",
        "responses/previous-response-id.request.json>gemini": "previous_response_id",
        "responses/previous-response-id-stream.request.json>chat": "previous_response_id",
        "responses/previous-response-id-stream.request.json>messages": "previous_response_id",
        "responses/previous-response-id-stream.request.json>gemini": "previous_response_id",
    ]

    /// The history's thinking as a target receives it (TRANSLATION.md, Signatures): Anthropic and Responses keep
    /// what they signed, Gemini every thought (dropping only empty ones it did not sign); elsewhere thinking is
    /// plain context text, and empty thinking nothing.
    static func thinkingKept(by target: APIProtocol, _ r: IR.Request) -> IR.Request {
        var r = r
        for i in r.messages.indices where r.messages[i].role == .assistant {
            r.messages[i].parts = r.messages[i].parts.compactMap { p in
                switch p {
                case .thinking(let t) where target == .gemini:
                    return t.text.isEmpty && t.signature?.origin != .gemini ? nil : p
                case .thinking(let t) where t.signature?.origin == target && target != .chat:
                    return p
                case .thinking(let t):
                    return t.text.isEmpty ? nil : .text(IR.Text("<thinking>\n\(t.text)\n</thinking>\n"))
                case .redactedThinking:
                    return target == .messages ? p : nil
                default:
                    return p
                }
            }
        }
        return r
    }

    static func decode(_ f: Fixture) throws -> IR.Request {
        try Translator.decodeRequest(f.bytes, from: f.proto, model: f.proto == .gemini ? "gemini-test" : nil)
    }

    @Test(arguments: Fixtures.requests)
    func decodes(_ f: Fixture) throws {
        let r = try Self.decode(f)
        #expect(!r.messages.isEmpty)
        #expect(!r.model.isEmpty)
        #expect(r.messages.allSatisfy { !$0.parts.isEmpty })
    }

    @Test(arguments: Fixtures.requests, APIProtocol.generative)
    func reencodesForEveryTarget(_ f: Fixture, _ target: APIProtocol) throws {
        let r = try Self.decode(f)
        let key = "\(f.testDescription)>\(target.rawValue)"
        let body: [UInt8]
        do {
            body = try Translator.encodeRequest(r, to: target, upstreamModel: "upstream-model")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.param != nil)
            #expect(Self.refusals[key] != nil, "unexpected refusal \(key): \(error.message)")
            if let expected = Self.refusals[key], !expected.isEmpty { #expect(error.param == expected) }
            return
        }
        #expect(Self.refusals[key] == nil, "expected a refusal for \(key)")
        let json = try JSONValue(parsing: body)
        if target != .gemini { #expect(json["model"]?.stringValue == "upstream-model") }
        if target == .chat && r.stream { #expect(json["stream_options"]?["include_usage"]?.boolValue == true) }
        let back = try Translator.decodeRequest(body, from: target, model: "upstream-model")
        let noMax = target == .messages && r.maxOutputTokens == nil
        var expected = RequestEssentials(Self.thinkingKept(by: target, r), defaultMaxTokens: noMax)
        if target == .gemini {
            // Gemini streams by URL (streamGenerateContent), not by a body field.
            expected.sampling = expected.sampling.replacingOccurrences(of: "stream=true", with: "stream=false")
        }
        // OpenAI's default is the provider's choice; Responses still says it when thought text is asked for.
        if expected.reasoning == "dynamic"
            && (target == .chat || target == .responses && r.reasoning?.includeThoughts != true)
        {
            expected.reasoning = "-"
        }
        #expect(RequestEssentials(back, defaultMaxTokens: noMax) == expected)
    }
}

/// The members-only parse a gateway uses on request bodies agrees with the full parse.
@Suite struct MemberParseTests {
    @Test(arguments: Fixtures.requests)
    func keptMembersAndSpansAreThoseOfTheFullParse(_ f: Fixture) throws {
        let full = try JSONValue.parseWithTopLevelSpans(f.bytes)
        let keys: Set<String> = ["model", "stream", "stream_options", "max_tokens"]
        let parsed = try #require(try JSONValue.parseMembers(f.bytes, keeping: keys))
        #expect(parsed.spans.map(\.key) == full.spans.map(\.key))
        #expect(parsed.spans.map(\.range) == full.spans.map(\.range))
        for key in keys {
            #expect(parsed.members[key] == full.value[key])
        }
    }

    @Test(arguments: [
        #"{"model":"m","messages":[{"content":"a\x"}]}"#, #"{"model":"m","messages":[{"content":"a\u12G4"}]}"#,
        #"{"model":"m","messages":[1,]}"#, #"{"model":"m","messages":[{"a" 1}]}"#, #"{"model":"m"} x"#,
        #"{"model":"m","messages":"unterminated}"#, "{\"model\":\"m\",\"messages\":[\"tab\there\"]}",
        #"{"model":"m","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
    ])
    func malformedBodiesAreRefusedAsTheFullParseRefusesThem(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: bytes, maxDepth: 64) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parseMembers(bytes, keeping: ["model"], maxDepth: 64) }
    }

    @Test func aDocumentThatIsNotAnObjectGivesNil() throws {
        #expect(try JSONValue.parseMembers(Array("[1,2]".utf8), keeping: []) == nil)
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parseMembers(Array("[1,".utf8), keeping: []) }
    }
}
