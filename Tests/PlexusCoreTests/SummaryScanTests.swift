import PlexusCore
import Testing

/// The passthrough summary walks chat and Messages answers without building them; on every shape it must read
/// what the full decoder reads, and give up (nil) where the decoder would not produce an answer.
@Suite struct SummaryScanTests {
    static let agreeing: [(APIProtocol, String)] = [
        // Escaped keys, whitespace everywhere, numbers as strings, details objects.
        (
            .chat,
            #" { "choices" : [ { "message" : { "role":"assistant", "content":"hi \"there\"" } , "#
                + #""finish_reason" : "length" } ] , "usage" : { "prompt_tok\u0065ns" : 10 , "completion_tokens" : "7", "#
                + #""prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}} } "#
        ),
        // A member twice: the last wins, as in a parsed object.
        (
            .chat,
            #"{"usage":{"prompt_tokens":1},"choices":[{"finish_reason":"length","message":{}}],"#
                + #""usage":{"prompt_tokens":9,"completion_tokens":3},"choices":[{"finish_reason":"stop","message":{}}]}"#
        ),
        // A refusal, and DeepSeek's cache-hit count when no details object is sent.
        (
            .chat,
            #"{"choices":[{"message":{"content":null,"refusal":"no"},"finish_reason":"stop"}],"#
                + #""usage":{"prompt_tokens":5,"completion_tokens":1,"prompt_cache_hit_tokens":3}}"#
        ),
        // The legacy function_call turns a stop into a tool use; later choices are not read.
        (
            .chat,
            #"{"choices":[{"message":{"function_call":{"name":"f","arguments":"{}"}},"finish_reason":"stop"},"#
                + #"{"message":{},"finish_reason":"length"}],"usage":{"prompt_tokens":2,"completion_tokens":2}}"#
        ),
        // An empty tool_calls array is no tool use.
        (.chat, #"{"choices":[{"message":{"tool_calls":[]},"finish_reason":"stop"}],"usage":{"prompt_tokens":2}}"#),
        (.chat, #"{"choices":[],"usage":null}"#),
        (
            .messages,
            #"{"type":"message","content":[{"type":"text","text":"x"}],"stop_reason":"max_tokens","#
                + #""usage":{"input_tokens":5,"output_tokens":9,"cache_read_input_tokens":2,"#
                + #""cache_creation_input_tokens":1,"output_tokens_details":{"thinking_tokens":4}}}"#
        ),
        (
            .messages,
            #"{"type":"message","content":[],"stop_reason":null,"usage":{"input_tokens":"3","output_tokens":1,"#
                + #""output_tokens_details":{"thinking_tokens":8}},"stop_reason":"end_turn"}"#
        ),
    ]

    @Test(arguments: agreeing)
    func readsWhatTheDecoderReads(proto: APIProtocol, text: String) throws {
        let body = Array(text.utf8)
        let r = try Translator.decodeResponse(body, from: proto)
        let summary = try #require(Translator.summary(ofResponse: body, from: proto))
        #expect(summary == ResponseSummary(usage: r.usage, stopReason: r.stopReason))
    }

    @Test(arguments: [
        (APIProtocol.chat, #"{"error":{"message":"bad","type":"invalid_request_error"}}"#),
        (.chat, #"[1,2]"#),
        (.chat, #"{"choices":[{"finish_reason":"stop"}]} trailing"#),
        (.chat, #"{"choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":1}"#),
        (.chat, #"{"choices":[{"finish_reason":"stop\u00"}]}"#),
        (.messages, #"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#),
        (.messages, #"{"type":"message","usage":{"input_tokens":1,}}"#),
        (.messages, #""just a string""#),
    ])
    func givesUpOnErrorsAndBrokenDocuments(proto: APIProtocol, text: String) {
        #expect(Translator.summary(ofResponse: Array(text.utf8), from: proto) == nil)
    }

    @Test func nestingBeyondTheLimitIsRefusedNotOverflowed() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let text = #"{"choices":[{"message":{"content":"x","extra":"# + deep + "}}]}"
        #expect(Translator.summary(ofResponse: Array(text.utf8), from: .chat) == nil)
    }
}
