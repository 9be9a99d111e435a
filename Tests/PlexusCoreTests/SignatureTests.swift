import PlexusCore
import Testing

/// Signature tagging: untagged in the minting protocol's own field, tagged elsewhere, untagged on the way back.
@Suite struct SignatureTests {
    static let cases: [(IR.Signature, APIProtocol, String)] = [
        (IR.Signature("EqsB", origin: .messages), .messages, "EqsB"),
        // Gemini's field is protobuf bytes: the tag text travels base64-encoded there.
        (IR.Signature("EqsB", origin: .messages), .gemini, "cGxleHVzOmFudGhyb3BpYzpFcXNC"),
        (IR.Signature("EqsB", origin: .messages), .chat, "plexus:anthropic:EqsB"),
        (IR.Signature("CuUB", origin: .gemini), .gemini, "CuUB"),
        (IR.Signature("CuUB", origin: .gemini), .messages, "plexus:gemini:CuUB"),
    ]

    @Test(arguments: cases)
    func tagsAndUntags(_ sig: IR.Signature, _ field: APIProtocol, _ text: String) {
        #expect(SignatureTag.encode(sig, native: field) == text)
        #expect(SignatureTag.decode(text, native: field) == .signature(sig))
    }

    @Test func redactedDataTravelsTagged() {
        let r = IR.RedactedThinking(data: "EvgF")
        let text = SignatureTag.encodeRedacted(r, native: .gemini)
        #expect(text == "cGxleHVzOmFudGhyb3BpYy1yZWRhY3RlZDpFdmdG")
        #expect(SignatureTag.decode(text, native: .gemini) == .redacted(r))
        #expect(SignatureTag.decode("plexus:anthropic-redacted:EvgF", native: .gemini) == .redacted(r))
        #expect(SignatureTag.decode("", native: .gemini) == nil)
        #expect(SignatureTag.decode(nil, native: .gemini) == nil)
        // An unknown tag is somebody's opaque value, kept whole.
        #expect(
            SignatureTag.decode("plexus:other:x", native: .gemini)
                == .signature(IR.Signature("plexus:other:x", origin: .gemini)))
    }

    @Test func geminiSignatureInsideAnthropicAndOpenAIAnswers() throws {
        let r = IR.Response(
            id: "r1", model: "g",
            parts: [
                .thinking(IR.Thinking("plan", signature: nil)),
                .toolCall(
                    IR.ToolCall(id: "c1", name: "f", arguments: "{}", signature: IR.Signature("GSIG", origin: .gemini))),
            ], stopReason: .toolUse, usage: IR.Usage(input: 1, output: 1))
        let a = try JSONValue(parsing: Translator.encodeResponse(r, to: .messages, clientModel: "m"))
        let blocks = try #require(a["content"]?.arrayValue)
        #expect(blocks.map { $0["type"]?.stringValue } == ["thinking", "thinking", "tool_use"])
        #expect(blocks[1]["signature"]?.stringValue == "plexus:gemini:GSIG")
        let o = try JSONValue(parsing: Translator.encodeResponse(r, to: .chat, clientModel: "m"))
        let call = o["choices"]?.at(0)?["message"]?["tool_calls"]?.at(0)
        #expect(call?["extra_content"] == ["google": ["thought_signature": "GSIG"]])
    }

    @Test func anthropicSignatureInsideGeminiAnswer() throws {
        let r = IR.Response(
            id: "r1", model: "c",
            parts: [
                .thinking(IR.Thinking("plan", signature: IR.Signature("ASIG", origin: .messages))),
                .redactedThinking(IR.RedactedThinking(data: "RED")),
                .text(IR.Text("hi")),
            ], stopReason: .endTurn)
        let g = try JSONValue(parsing: Translator.encodeResponse(r, to: .gemini, clientModel: "m"))
        let parts = try #require(g["candidates"]?.at(0)?["content"]?["parts"]?.arrayValue)
        #expect(parts[0] == ["text": "plan", "thought": true, "thoughtSignature": "cGxleHVzOmFudGhyb3BpYzpBU0lH"])
        #expect(parts[1]["thoughtSignature"]?.stringValue == "cGxleHVzOmFudGhyb3BpYy1yZWRhY3RlZDpSRUQ=")
        #expect(parts[2] == ["text": "hi"])
        let back = try Translator.decodeResponse(g.serialized(), from: .gemini)
        #expect(back.parts == r.parts)
    }

    /// google-genai decodes `thoughtSignature` as bytes and resends it URL-safe without padding; the tag must survive.
    @Test(arguments: ["cGxleHVzOmFudGhyb3BpYy1yZWRhY3RlZDpSRUQ=", "cGxleHVzOmFudGhyb3BpYy1yZWRhY3RlZDpSRUQ"])
    func taggedGeminiFieldReadsBackFromRecodedBase64(_ field: String) {
        #expect(SignatureTag.decode(field, native: .gemini) == .redacted(IR.RedactedThinking(data: "RED")))
        let sig = IR.Signature("Eq+/x==", origin: .messages)
        let recoded = SignatureTag.encode(sig, native: .gemini).replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(SignatureTag.decode(recoded, native: .gemini) == .signature(sig))
        // A native Gemini signature is never mistaken for a tag.
        #expect(
            SignatureTag.decode("CuUB+/==", native: .gemini) == .signature(IR.Signature("CuUB+/==", origin: .gemini)))
    }

    @Test func geminiSignatureOnTextMovesBackOntoTheSamePart() throws {
        let raw =
            #"{"candidates":[{"content":{"parts":[{"text":"think","thought":true},{"text":"answer","thoughtSignature":"TSIG"}],"role":"model"},"finishReason":"STOP"}],"responseId":"x"}"#
        let r = try Translator.decodeResponse(Array(raw.utf8), from: .gemini)
        for client in APIProtocol.generative {
            let answer = try JSONValue(parsing: Translator.encodeResponse(r, to: client, clientModel: "m"))
            let followUp = ContinuationTests.followUp(answer, client: client, calls: [])
            let ir = try Translator.decodeRequest(followUp.serialized(), from: client, model: "m")
            let body = try JSONValue(parsing: Translator.encodeRequest(ir, to: .gemini, upstreamModel: "m"))
            let model = try #require(body["contents"]?.at(1)?["parts"]?.arrayValue)
            #expect(model.last == ["text": "answer", "thoughtSignature": "TSIG"], "via \(client)")
        }
    }

    /// An OpenAI stream of Gemini thoughts then a signed answer accumulates to reasoning text plus a block that
    /// holds only the signature; resent, both reach Gemini (the thought, then the signature on the answer).
    @Test func signatureOnlyBlockKeepsTheReasoningText() throws {
        let body = #"""
            {"model":"x","messages":[{"role":"user","content":"hi"},
             {"role":"assistant","content":"done","reasoning_content":"I thought","thinking_blocks":[{"index":0,"type":"thinking","thinking":"","signature":"plexus:gemini:G1"}]},
             {"role":"user","content":"again"}]}
            """#
        let g = try T.translate(body, from: .chat, to: .gemini)
        #expect(
            g["contents"]?.at(1)?["parts"] == [
                ["text": "I thought", "thought": true], ["text": "done", "thoughtSignature": "G1"],
            ])
    }

    @Test func foreignThinkingBecomesContextTowardAnthropic() throws {
        let body = #"""
            {"model":"x","messages":[{"role":"user","content":"hi"},
             {"role":"assistant","content":"done","reasoning_content":"I thought","thinking_blocks":[{"type":"thinking","thinking":"I thought","signature":"plexus:gemini:G1"}]},
             {"role":"user","content":"again"}]}
            """#
        let a = try T.translate(body, from: .chat, to: .messages)
        let blocks = try #require(a["messages"]?.at(1)?["content"]?.arrayValue)
        #expect(blocks.map { $0["type"]?.stringValue } == ["text", "text"])
        #expect(blocks[0]["text"]?.stringValue == "<thinking>\nI thought\n</thinking>\n")
        let g = try T.translate(body, from: .chat, to: .gemini)
        #expect(
            g["contents"]?.at(1)?["parts"]?.at(0) == ["text": "I thought", "thought": true, "thoughtSignature": "G1"])
    }
}
