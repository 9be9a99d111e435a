import PlexusCore
import Testing

/// The usage table: each protocol's own arithmetic on the way out, totals equal in every direction.
@Suite struct UsageTests {
    static let usage = IR.Usage(input: 100, cacheRead: 40, cacheWrite: 10, output: 20, reasoning: 5)

    static func encoded(_ proto: APIProtocol) throws -> JSONValue {
        let r = IR.Response(id: "u", model: "m", parts: [.text(IR.Text("x"))], stopReason: .endTurn, usage: usage)
        return try JSONValue(parsing: Translator.encodeResponse(r, to: proto, clientModel: "m"))
    }

    @Test func openAIArithmetic() throws {
        let u = try #require(try Self.encoded(.chat)["usage"])
        #expect(u["prompt_tokens"]?.intValue == 150)
        #expect(u["completion_tokens"]?.intValue == 25)
        #expect(u["total_tokens"]?.intValue == 175)
        #expect(u["prompt_tokens_details"]?["cached_tokens"]?.intValue == 40)
        #expect(u["completion_tokens_details"]?["reasoning_tokens"]?.intValue == 5)
    }

    @Test func anthropicArithmetic() throws {
        let u = try #require(try Self.encoded(.messages)["usage"])
        #expect(u["input_tokens"]?.intValue == 100)
        #expect(u["cache_read_input_tokens"]?.intValue == 40)
        #expect(u["cache_creation_input_tokens"]?.intValue == 10)
        #expect(u["output_tokens"]?.intValue == 25)
    }

    @Test func geminiArithmetic() throws {
        let u = try #require(try Self.encoded(.gemini)["usageMetadata"])
        #expect(u["promptTokenCount"]?.intValue == 150)
        #expect(u["cachedContentTokenCount"]?.intValue == 40)
        #expect(u["candidatesTokenCount"]?.intValue == 20)
        #expect(u["thoughtsTokenCount"]?.intValue == 5)
        #expect(u["totalTokenCount"]?.intValue == 175)
    }

    @Test(arguments: APIProtocol.generative)
    func totalsSurviveEveryProtocol(_ proto: APIProtocol) throws {
        let back = try Translator.decodeResponse(try Self.encoded(proto).serialized(), from: proto)
        #expect(back.usage?.total == Self.usage.total)
        #expect(back.usage?.cacheRead == 40)
    }

    @Test func anthropicStreamUsageMergesStartAndDelta() throws {
        var d = StreamCodecs.decoder(for: .messages)
        _ = try d.decode(
            SSEEvent(
                event: "message_start",
                data:
                    #"{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":30,"cache_read_input_tokens":7,"output_tokens":1}}}"#
            ))
        let ev = try d.decode(
            SSEEvent(
                event: "message_delta",
                data: #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}"#))
        #expect(ev.first == .usage(IR.Usage(input: 30, cacheRead: 7, output: 12)))
    }
}
