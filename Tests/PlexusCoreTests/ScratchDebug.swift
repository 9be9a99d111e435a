import PlexusCore
import Testing

@Test func scratchDump() throws {
    func fx(_ p: String) -> Fixture { Fixtures.all.first { $0.testDescription == p }! }
    for (name, client) in [("anthropic/thinking-adaptive-stream.sse", APIProtocol.chat), ("anthropic/thinking-adaptive-stream.sse", .gemini), ("gemini/thinking-stream.sse", .messages), ("openai/tool-call-stream-include-usage.sse", .messages), ("openai/tool-call-stream-include-usage.sse", .gemini)] {
        let f = fx(name)
        let ev = try FixtureStreamTests.irEvents([f.bytes], proto: f.proto)
        let out = FixtureStreamTests.encode(ev, client: client)
        print("=====", name, "->", client)
        print(String(decoding: out, as: UTF8.self).split(separator: "\n").map { String($0.prefix(300)) }.joined(separator: "\n"))
    }
    for (name, client) in [("gemini/thinking-nonstream.json", APIProtocol.chat), ("gemini/function-call-nonstream.json", .messages), ("anthropic/thinking-with-tool-nonstream.json", .gemini), ("anthropic/redacted-thinking-nonstream.json", .chat)] {
        let f = fx(name)
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        print("=====", name, "->", client)
        print(String(decoding: Translator.encodeResponse(r, to: client, clientModel: "alias"), as: UTF8.self).prefix(1500))
    }
}
