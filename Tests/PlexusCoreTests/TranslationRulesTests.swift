import PlexusCore
import Testing

/// Focused rules of TRANSLATION.md: refusals, tool ids, tool results, media, JSON mode.
@Suite struct TranslationRulesTests {
    static let nTwo = #"{"model":"x","n":2,"messages":[{"role":"user","content":"hi"}]}"#

    @Test(arguments: [APIProtocol.messages, .gemini])
    func nAboveOneIsRefused(_ target: APIProtocol) throws {
        let e = try #require(T.refusal(Self.nTwo, from: .chat, to: target))
        #expect(e.kind == .invalidRequest)
        #expect(e.param == "n")
        #expect(e.httpStatus == 400)
    }

    @Test func nAboveOneGoesToOpenAI() throws {
        #expect(try T.translate(Self.nTwo, from: .chat, to: .chat)["n"]?.intValue == 2)
    }

    static let inexpressible: [(String, APIProtocol, APIProtocol, String)] = [
        (
            #"{"model":"x","max_tokens":5,"top_k":5,"messages":[{"role":"user","content":"hi"}]}"#, .messages, .chat,
            "top_k"
        ),
        (#"{"model":"x","seed":7,"messages":[{"role":"user","content":"hi"}]}"#, .chat, .messages, "seed"),
        (
            #"{"model":"x","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"hi"}]}"#,
            .chat, .messages, "response_format"
        ),
        (#"{"model":"x","logprobs":true,"messages":[{"role":"user","content":"hi"}]}"#, .chat, .gemini, "logprobs"),
        (
            #"{"model":"x","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}"#,
            .chat, .messages, "messages[0].content[0]"
        ),
        (
            #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"googleSearch":{}}]}"#, .gemini,
            .messages, "tools[googleSearch]"
        ),
        (
            #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}"#,
            .gemini, .chat, "generationConfig.responseModalities"
        ),
        (
            #"{"model":"x","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/picture"}}]}]}"#,
            .chat, .gemini, "messages[0].content[0]"
        ),
        (
            #"{"model":"x","tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"a"}}]}},"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],"messages":[{"role":"user","content":"hi"}]}"#,
            .chat, .messages, "tool_choice"
        ),
    ]

    @Test(arguments: inexpressible)
    func inexpressibleFieldsAreRefusedByName(_ body: String, _ from: APIProtocol, _ to: APIProtocol, _ param: String)
        throws
    {
        let e = try #require(T.refusal(body, from: from, to: to))
        #expect(e.kind == .invalidRequest)
        #expect(e.param == param)
        #expect(T.refusal(body, from: from, to: from) == nil)  // the same protocol takes it
    }

    @Test func toolIDsAreRewrittenForAnthropicConsistently() throws {
        let body = #"""
            {"model":"x","messages":[{"role":"user","content":"hi"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call:a/b.c","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"call:a/b.c","content":"ok"}]}
            """#
        let out = try T.translate(body, from: .chat, to: .messages)
        let msgs = try #require(out["messages"]?.arrayValue)
        let useID = try #require(msgs[1]["content"]?.at(0)?["id"]?.stringValue)
        let resultID = try #require(msgs[2]["content"]?.at(0)?["tool_use_id"]?.stringValue)
        #expect(useID == resultID)
        #expect(useID.hasPrefix("call_a_b_c_"))
        #expect(useID.utf8.allSatisfy(ToolIDsCharset.valid))
        #expect(ToolIDs.anthropicSafe("toolu_01AbC-x") == "toolu_01AbC-x")
        #expect(ToolIDs.anthropicSafe("a.b") != ToolIDs.anthropicSafe("a/b"))
    }

    @Test func longToolIDsAreShortenedForOpenAI() throws {
        let long = String(repeating: "x", count: 64)
        let body =
            #"{"model":"x","max_tokens":9,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"\#(long)","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"\#(long)","content":"ok"}]}]}"#
        let out = try T.translate(body, from: .messages, to: .chat)
        let msgs = try #require(out["messages"]?.arrayValue)
        let callID = try #require(msgs[1]["tool_calls"]?.at(0)?["id"]?.stringValue)
        #expect(callID.count <= 40)
        #expect(msgs[2]["tool_call_id"]?.stringValue == callID)
    }

    @Test func geminiFunctionResponseNameComesFromTheCall() throws {
        let body = #"""
            {"model":"x","messages":[{"role":"user","content":"weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"call_9","content":"sunny"}]}
            """#
        let out = try T.translate(body, from: .chat, to: .gemini)
        let contents = try #require(out["contents"]?.arrayValue)
        let call = try #require(contents[1]["parts"]?.at(0))
        #expect(call["functionCall"]?["name"]?.stringValue == "get_weather")
        #expect(call["functionCall"]?["args"] == ["city": "Paris"])
        #expect(call["thoughtSignature"]?.stringValue == Gemini.skipSignature)
        let response = try #require(contents[2]["parts"]?.at(0)?["functionResponse"])
        #expect(response["name"]?.stringValue == "get_weather")
        #expect(response["id"]?.stringValue == "call_9")
        #expect(response["response"] == ["output": "sunny"])
        #expect(contents[2]["role"]?.stringValue == "user")
    }

    @Test func unknownToolResultIsRefusedTowardGemini() throws {
        let body =
            #"{"model":"x","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"nope","content":"x"}]}"#
        let e = try #require(T.refusal(body, from: .chat, to: .gemini))
        #expect(e.kind == .invalidRequest)
        #expect(e.message.contains("nope"))
    }

    @Test func geminiCallsWithoutIDsGetStableOnesMatchedByName() throws {
        let body = #"""
            {"contents":[{"role":"user","parts":[{"text":"go"}]},
              {"role":"model","parts":[{"functionCall":{"name":"a","args":{}}},{"functionCall":{"name":"b","args":{"k":1}}}]},
              {"role":"user","parts":[{"functionResponse":{"name":"b","response":{"v":2}}},{"functionResponse":{"name":"a","response":{"v":1}}}]}]}
            """#
        let out = try T.translate(body, from: .gemini, to: .messages)
        let msgs = try #require(out["messages"]?.arrayValue)
        let uses = msgs[1]["content"]?.arrayValue ?? []
        let results = msgs[2]["content"]?.arrayValue ?? []
        #expect(results[0]["tool_use_id"] == uses[1]["id"])
        #expect(results[1]["tool_use_id"] == uses[0]["id"])
        #expect(results[0]["content"]?.stringValue == #"{"v":2}"#)
    }

    @Test func invalidToolArgumentsAreWrappedNotThrown() throws {
        let body =
            #"{"model":"x","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{broken"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]}"#
        let anthropic = try T.translate(body, from: .chat, to: .messages)
        let input = anthropic["messages"]?.at(1)?["content"]?.at(0)?["input"]
        #expect(input?["_raw_arguments"]?.stringValue == "{broken")
        let back = try Translator.decodeRequest(anthropic.serialized(), from: .messages, model: "m")
        let call = back.messages[1].parts.compactMap { if case .toolCall(let c) = $0 { c } else { nil } }.first
        #expect(call?.arguments == "{broken")
    }

    static let imageURLs: [(String, String?)] = [
        ("https://example.com/a/cat.JPG?size=2", "image/jpeg"),
        ("https://example.com/doc.pdf", "application/pdf"),
        ("https://example.com/x.webp", "image/webp"),
        ("https://example.com/noextension", nil),
    ]

    @Test(arguments: imageURLs)
    func imageURLsTowardGemini(_ url: String, _ mime: String?) throws {
        let body =
            #"{"model":"x","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"\#(url)"}}]}]}"#
        guard let mime else {
            let e = try #require(T.refusal(body, from: .chat, to: .gemini))
            #expect(e.param == "messages[0].content[0]")
            return
        }
        let out = try T.translate(body, from: .chat, to: .gemini)
        let file = out["contents"]?.at(0)?["parts"]?.at(0)?["fileData"]
        #expect(file == ["mimeType": .string(mime), "fileUri": .string(url)])
    }

    @Test func base64ImagesCrossEveryWay() throws {
        // URL-safe base64 from Google's SDK becomes standard base64 for OpenAI and Anthropic.
        let body =
            #"{"contents":[{"role":"user","parts":[{"inline_data":{"mime_type":"image/png","data":"ab-_"}},{"text":"what?"}]}]}"#
        let openAI = try T.translate(body, from: .gemini, to: .chat)
        #expect(
            openAI["messages"]?.at(0)?["content"]?.at(0)?["image_url"]?["url"]?.stringValue
                == "data:image/png;base64,ab+/")
        let anthropic = try T.translate(body, from: .gemini, to: .messages)
        #expect(
            anthropic["messages"]?.at(0)?["content"]?.at(0)?["source"] == [
                "type": "base64", "media_type": "image/png", "data": "ab+/",
            ])
        let pdf =
            #"{"model":"x","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}"#
        let doc = try T.translate(pdf, from: .chat, to: .messages)["messages"]?.at(0)?["content"]?.at(0)
        #expect(doc?["type"]?.stringValue == "document")
        #expect(doc?["source"]?["media_type"]?.stringValue == "application/pdf")
        let gem = try T.translate(pdf, from: .chat, to: .gemini)["contents"]?.at(0)?["parts"]?.at(0)
        #expect(gem?["inlineData"]?["mimeType"]?.stringValue == "application/pdf")
    }

    static let formats: [(String, APIProtocol, JSONValue?)] = [
        (
            #""response_format":{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object"},"strict":true}}"#,
            .gemini, ["responseMimeType": "application/json", "responseJsonSchema": ["type": "object"]]
        ),
        (#""response_format":{"type":"json_object"}"#, .gemini, ["responseMimeType": "application/json"]),
        (
            #""response_format":{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object"}}}"#,
            .messages, ["format": ["type": "json_schema", "schema": ["type": "object"]]]
        ),
    ]

    @Test(arguments: formats)
    func jsonModeMaps(_ field: String, _ target: APIProtocol, _ expected: JSONValue?) throws {
        let body = #"{"model":"x",\#(field),"messages":[{"role":"user","content":"hi"}]}"#
        let out = try T.translate(body, from: .chat, to: target)
        let got: JSONValue? = target == .gemini ? out["generationConfig"] : out["output_config"]
        #expect(got == expected)
        let back = try Translator.decodeRequest(out.serialized(), from: target, model: "m")
        #expect(back.responseFormat != nil)
    }

    @Test func systemAndSamplingCross() throws {
        let body =
            #"{"model":"x","messages":[{"role":"developer","content":"be terse"},{"role":"user","content":"hi"}],"temperature":0.2,"top_p":0.9,"stop":"END","max_tokens":50}"#
        let a = try T.translate(body, from: .chat, to: .messages)
        #expect(a["system"]?.stringValue == "be terse")
        #expect(a["stop_sequences"] == ["END"])
        #expect(a["max_tokens"]?.intValue == 50)
        let g = try T.translate(body, from: .chat, to: .gemini)
        #expect(g["systemInstruction"] == ["parts": [["text": "be terse"]]])
        #expect(g["generationConfig"]?["temperature"]?.doubleValue == 0.2)
        #expect(g["generationConfig"]?["stopSequences"] == ["END"])
    }

    @Test func anthropicTurnsAlternate() throws {
        // Two user messages in a row (OpenAI allows it) merge into one Anthropic user turn; tool results lead.
        let body =
            #"{"model":"x","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"},{"role":"user","content":"next"}]}"#
        let msgs = try #require(try T.translate(body, from: .chat, to: .messages)["messages"]?.arrayValue)
        #expect(msgs.map { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        #expect(msgs[0]["content"]?.arrayValue?.count == 2)
        #expect(msgs[2]["content"]?.at(0)?["type"]?.stringValue == "tool_result")
        #expect(msgs[2]["content"]?.at(1)?["text"]?.stringValue == "next")
    }
}

/// Anthropic's tool id alphabet.
enum ToolIDsCharset {
    static func valid(_ c: UInt8) -> Bool {
        c == 0x5F || c == 0x2D || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
}
