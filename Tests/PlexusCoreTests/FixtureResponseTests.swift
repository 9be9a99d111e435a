import PlexusCore
import Testing

/// Every captured unary answer, decoded and re-encoded for every client protocol.
@Suite struct FixtureResponseTests {
    @Test func fixturesAreFound() {
        #expect(Fixtures.responses.count >= 30)
        #expect(Fixtures.streams.count >= 10)
        #expect(Fixtures.requests.count >= 40)
    }

    @Test(arguments: Fixtures.responses)
    func decodesAsCaptured(_ f: Fixture) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let expected = RawExpectations.unary(f)
        #expect(Essentials(r) == expected)
        #expect(r.usage != nil)
        #expect(r.stopReason != nil)
    }

    @Test(arguments: Fixtures.responses)
    func summaryAgreesWithTheDecoder(_ f: Fixture) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let summary = try #require(Translator.summary(ofResponse: f.bytes, from: f.proto))
        #expect(summary == ResponseSummary(usage: r.usage, stopReason: r.stopReason))
    }

    /// A tool's JSON input holding the same keys as the answer's own members: read by structure for chat and
    /// Messages (the summary must still agree with the decoder), and a reason to give up for Gemini's key search.
    @Test(arguments: [
        (
            APIProtocol.messages,
            #"{"content":[{"type":"tool_use","id":"t","name":"f","input":{"usage":{"input_tokens":9},"#
                + #""stop_reason":"end_turn"}}],"stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}"#
        ),
        (
            .chat,
            #"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","#
                + #""function":{"name":"f","arguments":{"usage":{"prompt_tokens":9},"finish_reason":"length"}}}]},"#
                + #""finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#
        ),
        (
            .gemini,
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"usageMetadata":{}}}}]},"#
                + #""finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4}}"#
        ),
    ])
    func aKeyHiddenInAToolInputIsNotTakenForTheAnswers(proto: APIProtocol, text: String) throws {
        let body = Array(text.utf8)
        let summary = Translator.summary(ofResponse: body, from: proto)
        if proto == .gemini {
            #expect(summary == nil)
        } else {
            let r = try Translator.decodeResponse(body, from: proto)
            #expect(summary == ResponseSummary(usage: r.usage, stopReason: r.stopReason))
            #expect(summary?.usage?.input == 3)
        }
    }

    @Test(arguments: Fixtures.responses, APIProtocol.generative)
    func reencodesForEveryClient(_ f: Fixture, _ client: APIProtocol) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let body = Translator.encodeResponse(r, to: client, clientModel: "my-alias")
        let json = try JSONValue(parsing: body)
        #expect((json["model"] ?? json["modelVersion"])?.stringValue == "my-alias")
        let back = try Translator.decodeResponse(body, from: client)
        #expect(Essentials(back) == Essentials(r).seenThrough(client))
        if let u = r.usage, let b = back.usage { #expect(u.total == b.total) }
    }

    @Test(arguments: Fixtures.responses, APIProtocol.generative)
    func survivesTwoHops(_ f: Fixture, _ client: APIProtocol) throws {
        // provider -> client -> gateway -> provider's own protocol: signatures come back untagged and intact.
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let viaClient = try Translator.decodeResponse(
            Translator.encodeResponse(r, to: client, clientModel: "m"), from: client)
        let home = try Translator.decodeResponse(
            Translator.encodeResponse(viaClient, to: f.proto, clientModel: "m"), from: f.proto)
        #expect(Essentials(home).signatures == Essentials(r).signatures)
        #expect(Essentials(home).redacted == Essentials(r).redacted)
    }
}
