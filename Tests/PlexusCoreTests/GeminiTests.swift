import PlexusCore
import Testing

/// Gemini specifics: snake_case input, the JSON-array stream, the skip signature.
@Suite struct GeminiTests {
    static let camel = #"""
        {"systemInstruction":{"parts":[{"text":"sys"}]},
         "contents":[{"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}},{"fileData":{"mimeType":"application/pdf","fileUri":"gs://b/f.pdf"}}]},
           {"role":"model","parts":[{"functionCall":{"name":"f","args":{"a":1}},"thoughtSignature":"SIG"}]},
           {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"r":2}}}]}],
         "tools":[{"functionDeclarations":[{"name":"f","description":"d","parametersJsonSchema":{"type":"object"}}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}},
         "generationConfig":{"maxOutputTokens":10,"topK":3,"stopSequences":["x"],"responseMimeType":"application/json",
           "thinkingConfig":{"thinkingBudget":512,"includeThoughts":true}}}
        """#
    static let snake = #"""
        {"system_instruction":{"parts":[{"text":"sys"}]},
         "contents":[{"role":"user","parts":[{"text":"hi"},{"inline_data":{"mime_type":"image/png","data":"AAAA"}},{"file_data":{"mime_type":"application/pdf","file_uri":"gs://b/f.pdf"}}]},
           {"role":"model","parts":[{"function_call":{"name":"f","args":{"a":1}},"thought_signature":"SIG"}]},
           {"role":"user","parts":[{"function_response":{"name":"f","response":{"r":2}}}]}],
         "tools":[{"function_declarations":[{"name":"f","description":"d","parameters_json_schema":{"type":"object"}}]}],
         "tool_config":{"function_calling_config":{"mode":"ANY","allowed_function_names":["f"]}},
         "generation_config":{"max_output_tokens":10,"top_k":3,"stop_sequences":["x"],"response_mime_type":"application/json",
           "thinking_config":{"thinking_budget":512,"include_thoughts":true}}}
        """#

    @Test func snakeCaseReadsLikeCamelCase() throws {
        let a = try T.decode(Self.camel, from: .gemini)
        let b = try T.decode(Self.snake, from: .gemini)
        #expect(a == b)
        #expect(a.system == [.text(IR.Text("sys"))])
        #expect(a.maxOutputTokens == 10)
        #expect(a.topK == 3)
        #expect(a.toolChoice == .required)
        #expect(a.responseFormat == .jsonObject)
        #expect(a.reasoning == IR.Reasoning(mode: .budget(512), includeThoughts: true))
        #expect(a.messages[0].parts.count == 3)
        let call = a.messages[1].parts.compactMap { if case .toolCall(let c) = $0 { c } else { nil } }.first
        #expect(call?.signature == IR.Signature("SIG", origin: .gemini))
        #expect(a.tools.first?.parameters == ["type": "object"])
    }

    @Test func encoderWritesCamelCase() throws {
        let body = try T.translate(Self.snake, from: .gemini, to: .gemini)
        let text = body.jsonString
        #expect(!text.contains("_data") && !text.contains("mime_type") && !text.contains("function_call"))
        #expect(body["contents"]?.at(1)?["parts"]?.at(0)?["thoughtSignature"]?.stringValue == "SIG")
        #expect(body["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": 512, "includeThoughts": true])
    }

    @Test func openAPISchemaTypesBecomeJSONSchema() throws {
        let body =
            #"{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"g","parameters":{"type":"OBJECT","properties":{"c":{"type":"STRING"}}}}]}]}"#
        let out = try T.translate(body, from: .gemini, to: .chat)
        #expect(
            out["tools"]?.at(0)?["function"]?["parameters"] == [
                "type": "object", "properties": ["c": ["type": "string"]],
            ])
    }

    @Test func arrayStreamParserSplitsElements() {
        let text = #"[{"a":"x]}\"{"},{"b":[1,{"c":2}]}"# + "\r\n,\r\n" + #"{"d":"\\"}]"#
        let bytes = Array(text.utf8)
        for seed in [1, 2, 3] as [UInt64] {
            var p = Gemini.ArrayStreamParser()
            var events: [SSEEvent] = []
            for c in bytes.randomSplits(seed: seed, maxPiece: 3) { events += p.feed(c) }
            events += p.finish()
            #expect(events.map(\.data) == [#"{"a":"x]}\"{"}"#, #"{"b":[1,{"c":2}]}"#, #"{"d":"\\"}"#])
        }
    }

    @Test func skipSignatureOnlyWhereNoGeminiSignature() throws {
        let foreign =
            #"{"model":"x","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}},{"type":"tool_use","id":"t2","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a"},{"type":"tool_result","tool_use_id":"t2","content":"b"}]}]}"#
        let parts = try #require(
            try T.translate(foreign, from: .messages, to: .gemini)["contents"]?.at(1)?["parts"]?.arrayValue)
        #expect(parts[0]["thoughtSignature"]?.stringValue == Gemini.skipSignature)
        #expect(parts[1]["thoughtSignature"] == nil)
        let native = try T.translate(Self.camel, from: .gemini, to: .gemini)
        #expect(native["contents"]?.at(1)?["parts"]?.at(0)?["thoughtSignature"]?.stringValue == "SIG")
    }

    @Test func promptBlockedIsARefusal() throws {
        let raw =
            #"{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}"#
        let r = try Translator.decodeResponse(Array(raw.utf8), from: .gemini)
        #expect(r.stopReason == .refusal)
        let o = try JSONValue(parsing: Translator.encodeResponse(r, to: .chat, clientModel: "m"))
        #expect(o["choices"]?.at(0)?["finish_reason"]?.stringValue == "content_filter")
    }
}
