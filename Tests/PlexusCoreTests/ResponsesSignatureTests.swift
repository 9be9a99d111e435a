import PlexusCore
import Testing

/// Reasoning identity through Responses: OpenAI's reasoning items (id and `encrypted_content`) through any client,
/// and Anthropic's and Gemini's signatures through a Responses client, come back to their provider byte for byte,
/// from unary answers (ContinuationTests) and from streams (here).
@Suite struct ResponsesSignatureTests {
    /// Stream captures that carry signatures, where one side of the trip is Responses.
    static let cases: [(Fixture, APIProtocol)] = Fixtures.streams.flatMap { f in
        APIProtocol.generative.compactMap { client in
            let e = RawStreamExpectations.stream(f)
            let signed = !e.signatures.isEmpty || !e.redacted.isEmpty
            return signed && (f.proto == .responses || client == .responses) && f.proto != client ? (f, client) : nil
        }
    }

    /// The answer a client holds once its stream ended: a Responses client the final response object (as the
    /// openai SDK's stream helper gives it), others their stream accumulated.
    static func clientAnswer(_ bytes: [UInt8], client: APIProtocol) throws -> JSONValue {
        if client == .responses {
            let last = try #require(RawStreamExpectations.events(bytes).last)
            return try #require(try JSONValue(parsing: last.data)["response"])
        }
        let r = FixtureStreamTests.accumulate(try FixtureStreamTests.irEvents([bytes], proto: client))
        return try JSONValue(parsing: Translator.encodeResponse(r, to: client, clientModel: "alias"))
    }

    @Test(arguments: cases)
    func streamedSignaturesGoHome(_ f: Fixture, _ client: APIProtocol) throws {
        let events = try FixtureStreamTests.irEvents([f.bytes], proto: f.proto)
        let bytes = FixtureStreamTests.encode(events, client: client)
        let answer = try Self.clientAnswer(bytes, client: client)
        let calls = FixtureStreamTests.accumulate(events).toolCalls
        let request = ContinuationTests.followUp(answer, client: client, calls: calls)
        let ir = try Translator.decodeRequest(request.serialized(), from: client, model: "alias")
        let body = try Translator.encodeRequest(ir, to: f.proto, upstreamModel: "m")
        #expect(!String(decoding: body, as: UTF8.self).contains("plexus:"), "a gateway tag leaked")
        let got = ContinuationTests.upstreamSignatures(try JSONValue(parsing: body), proto: f.proto)
        let raw = RawStreamExpectations.stream(f)
        #expect(got.sigs == ContinuationTests.resent(raw.signatures))
        #expect(got.redacted == raw.redacted)
    }

    /// The reasoning item a Chat, Anthropic or Gemini client resends reaches OpenAI as it was minted: the same
    /// encrypted content, in the same place before the call it led to, without its id (`store: false`: OpenAI would
    /// look the id up among stored items).
    @Test(arguments: [APIProtocol.chat, .messages, .gemini])
    func openAIReasoningThroughAnotherClient(_ client: APIProtocol) throws {
        let f = try #require(Fixtures.responses.first { $0.name == "reasoning-function-call.json" })
        let minted = try #require(f.json["output"]?.at(0))
        let r = try Translator.decodeResponse(f.bytes, from: .responses)
        let answer = try JSONValue(parsing: Translator.encodeResponse(r, to: client, clientModel: "alias"))
        let request = ContinuationTests.followUp(answer, client: client, calls: r.toolCalls)
        let ir = try Translator.decodeRequest(request.serialized(), from: client, model: "alias")
        let up = try JSONValue(parsing: Translator.encodeRequest(ir, to: .responses, upstreamModel: "gpt-5.5"))
        let input = try #require(up["input"]?.arrayValue)
        #expect(
            input.map { $0["type"]?.stringValue ?? "" } == [
                "message", "reasoning", "function_call", "function_call_output",
            ])
        #expect(minted["id"] != nil && input[1]["id"] == nil)
        #expect(input[1]["encrypted_content"] == minted["encrypted_content"])
        #expect(input[2]["call_id"] == f.json["output"]?.at(1)?["call_id"])
        #expect(up["store"] == false)
    }
}
