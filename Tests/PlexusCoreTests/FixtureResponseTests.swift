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

    @Test func summaryGivesUpWhereAKeyCouldHideInAToolInput() {
        let body = Array(#"{"content":[{"type":"tool_use","id":"t","name":"f","input":{"usage":{"input_tokens":9}}}],"#.utf8)
            + Array(#""stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}"#.utf8)
        #expect(Translator.summary(ofResponse: body, from: .messages) == nil)
    }

    @Test(arguments: Fixtures.responses, APIProtocol.allCases)
    func reencodesForEveryClient(_ f: Fixture, _ client: APIProtocol) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let body = Translator.encodeResponse(r, to: client, clientModel: "my-alias")
        let json = try JSONValue(parsing: body)
        #expect((json["model"] ?? json["modelVersion"])?.stringValue == "my-alias")
        let back = try Translator.decodeResponse(body, from: client)
        #expect(Essentials(back) == Essentials(r).seenThrough(client))
        if let u = r.usage, let b = back.usage { #expect(u.total == b.total) }
    }

    @Test(arguments: Fixtures.responses, APIProtocol.allCases)
    func survivesTwoHops(_ f: Fixture, _ client: APIProtocol) throws {
        // provider -> client -> gateway -> provider's own protocol: signatures come back untagged and intact.
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let viaClient = try Translator.decodeResponse(Translator.encodeResponse(r, to: client, clientModel: "m"), from: client)
        let home = try Translator.decodeResponse(Translator.encodeResponse(viaClient, to: f.proto, clientModel: "m"), from: f.proto)
        #expect(Essentials(home).signatures == Essentials(r).signatures)
        #expect(Essentials(home).redacted == Essentials(r).redacted)
    }
}
