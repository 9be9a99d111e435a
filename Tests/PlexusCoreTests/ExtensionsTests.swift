import PlexusCore
import Testing

/// Protocol-specific fields reach a same-protocol target and never a foreign one; media in tool results is kept.
@Suite struct ExtensionsTests {
    static let cases: [(String, APIProtocol, String)] = [
        (#"{"model":"x","service_tier":"flex","messages":[{"role":"user","content":"hi"}]}"#, .chat, "service_tier"),
        (
            #"{"model":"x","max_tokens":5,"context_management":{"edits":[]},"messages":[{"role":"user","content":"hi"}]}"#,
            .messages, "context_management"
        ),
        (
            #"{"contents":[{"parts":[{"text":"hi"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}]}"#,
            .gemini, "safetySettings"
        ),
    ]

    @Test(arguments: cases)
    func sameProtocolKeepsForeignDrops(_ body: String, _ proto: APIProtocol, _ field: String) throws {
        #expect(try T.translate(body, from: proto, to: proto)[field] != nil)
        for other in APIProtocol.generative where other != proto {
            #expect(try T.translate(body, from: proto, to: other)[field] == nil)
        }
    }

    @Test func geminiGenerationConfigExtrasStayInGenerationConfig() throws {
        let body =
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.5,"media_resolution":"MEDIA_RESOLUTION_LOW"}}"#
        let out = try T.translate(body, from: .gemini, to: .gemini)
        #expect(out["generationConfig"] == ["temperature": 0.5, "mediaResolution": "MEDIA_RESOLUTION_LOW"])
    }

    @Test func anthropicCacheControlSurvivesAnthropic() throws {
        let body =
            #"{"model":"x","max_tokens":5,"system":[{"type":"text","text":"big","cache_control":{"type":"ephemeral"}}],"tools":[{"name":"f","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}"#
        let out = try T.translate(body, from: .messages, to: .messages)
        #expect(out["system"]?.at(0)?["cache_control"] == ["type": "ephemeral"])
        #expect(out["tools"]?.at(0)?["cache_control"] == ["type": "ephemeral"])
        #expect(out["messages"]?.at(0)?["content"]?.at(0)?["cache_control"] == ["type": "ephemeral"])
    }

    static let resultWithImage = #"""
        {"model":"x","max_tokens":5,"messages":[{"role":"user","content":"look"},
          {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"here"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"QUJD"}}]}]}]}
        """#

    @Test func imagesInToolResultsAreNotDropped() throws {
        let openAI = try T.translate(Self.resultWithImage, from: .messages, to: .chat)
        let msgs = try #require(openAI["messages"]?.arrayValue)
        #expect(msgs[2]["role"]?.stringValue == "tool")
        #expect(msgs[2]["content"]?.stringValue == "here")
        #expect(msgs[3]["role"]?.stringValue == "user")
        #expect(msgs[3]["content"]?.at(0)?["image_url"]?["url"]?.stringValue == "data:image/png;base64,QUJD")
        let gemini = try T.translate(Self.resultWithImage, from: .messages, to: .gemini)
        let parts = try #require(gemini["contents"]?.at(2)?["parts"]?.arrayValue)
        #expect(parts[0]["functionResponse"]?["name"]?.stringValue == "shot")
        #expect(parts[1]["inlineData"]?["data"]?.stringValue == "QUJD")
    }
}

/// The hooks a server uses to fetch and inline media URLs.
@Suite struct MediaURLTests {
    @Test func listsAndReplacesURLs() throws {
        let body =
            #"{"model":"x","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://e.com/a"}},{"type":"text","text":"?"}]}]}"#
        var r = try T.decode(body, from: .messages)
        #expect(r.mediaURLs == ["https://e.com/a"])
        r.replaceMediaURL("https://e.com/a", with: .base64(mediaType: "image/png", data: "QUJD"))
        #expect(r.mediaURLs.isEmpty)
        let out = try JSONValue(parsing: Translator.encodeRequest(r, to: .gemini, upstreamModel: "g"))
        #expect(out["contents"]?.at(0)?["parts"]?.at(0) == ["inlineData": ["mimeType": "image/png", "data": "QUJD"]])
    }
}
