import PlexusCore
import Testing

/// Responses requests: what the decoder reads, what the encoder writes, and what it refuses.
@Suite struct ResponsesRequestTests {
    static let items = #"""
        {"model":"gpt-5","instructions":"Be brief.","input":[
          {"role":"developer","content":"Use tools."},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"https://e.com/a.png","detail":"low"},
            {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBE"}]},
          {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"one"},{"type":"summary_text","text":"two"}],"encrypted_content":"gAAA-x_1="},
          {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
          {"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}"},
          {"type":"function_call_output","call_id":"call_1","output":"42"},
          {"type":"item_reference","id":"ws_9"}],
         "max_output_tokens":300,"temperature":0.2,"top_p":0.9,"parallel_tool_calls":false,"user":"u1","stream":true,
         "reasoning":{"effort":"high","summary":"auto"},"text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}},
         "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":true}],
         "tool_choice":{"type":"function","name":"f"},"store":false,"include":["reasoning.encrypted_content"],"metadata":{"k":"v"}}
        """#

    @Test func decodesItemsIntoTurns() throws {
        let r = try T.decode(Self.items, from: .responses)
        #expect(r.system == [.text(IR.Text("Be brief.")), .text(IR.Text("Use tools."))])
        #expect(r.messages.map(\.role) == [.user, .assistant, .tool, .user])
        #expect(r.messages[0].parts.count == 3)
        #expect(
            r.messages[0].parts[1]
                == .image(IR.Media(source: .url("https://e.com/a.png", mediaType: "image/png"), detail: "low")))
        #expect(
            r.messages[0].parts[2]
                == .document(IR.Media(source: .base64(mediaType: "application/pdf", data: "JVBE"), title: "a.pdf")))
        #expect(
            r.messages[1].parts == [
                .thinking(IR.Thinking("one\n\ntwo", signature: IR.Signature("rs_1:gAAA-x_1=", origin: .responses))),
                .text(IR.Text("Checking.", itemID: "msg_1")),
                .toolCall(IR.ToolCall(id: "call_1", name: "f", arguments: #"{"a":1}"#, itemID: "fc_1")),
            ])
        #expect(r.messages[2].parts == [.toolResult(IR.ToolResult(callID: "call_1", content: [.text(IR.Text("42"))]))])
        #expect(
            r.messages[3].parts == [
                .opaque(IR.Opaque(origin: .responses, value: ["type": "item_reference", "id": "ws_9"]))
            ])
        #expect(
            r.tools == [IR.ToolDefinition(name: "f", description: "d", parameters: ["type": "object"], strict: true)])
        #expect(r.toolChoice == .tool("f"))
        #expect(r.maxOutputTokens == 300 && r.temperature == 0.2 && r.topP == 0.9 && r.parallelToolCalls == false)
        #expect(r.user == "u1" && r.stream)
        #expect(r.reasoning == IR.Reasoning(mode: .effort(.high), includeThoughts: true))
        #expect(
            r.responseFormat == .jsonSchema(name: "out", schema: ["type": "object"], strict: true, description: nil))
        #expect(r.extensions.origin == .responses)
        #expect(r.extensions.fields.keys == ["store", "include", "metadata"])
        #expect(r.extensions.required.isEmpty)
    }

    /// Translated to itself, a request keeps its items, ids and encrypted content byte for byte.
    @Test func reencodesForAResponsesTarget() throws {
        let out = try T.translate(Self.items, from: .responses, to: .responses)
        let input = try #require(out["input"]?.arrayValue)
        #expect(out["instructions"] == nil)  // two system parts travel as a system message
        #expect(
            input[0] == [
                "type": "message", "role": "system",
                "content": [
                    ["type": "input_text", "text": "Be brief."], ["type": "input_text", "text": "Use tools."],
                ],
            ])
        #expect(
            input[2] == [
                "id": "rs_1", "type": "reasoning", "summary": [["type": "summary_text", "text": "one\n\ntwo"]],
                "encrypted_content": "gAAA-x_1=",
            ])
        #expect(input[3]["id"] == "msg_1")
        #expect(
            input[4] == [
                "type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": #"{"a":1}"#,
            ])
        #expect(input[5] == ["type": "function_call_output", "call_id": "call_1", "output": "42"])
        #expect(input[6] == ["type": "item_reference", "id": "ws_9"])
        #expect(
            out["tools"]?.at(0) == [
                "type": "function", "name": "f", "description": "d", "parameters": ["type": "object"], "strict": true,
            ])
        #expect(
            out["text"] == [
                "format": ["type": "json_schema", "name": "out", "schema": ["type": "object"], "strict": true]
            ])
        #expect(out["store"] == false && out["metadata"] == ["k": "v"])
    }

    @Test func aStringInputIsOneUserMessage() throws {
        let r = try T.decode(#"{"model":"m","input":"hi","instructions":"sys"}"#, from: .responses)
        #expect(r.messages == [IR.Message(role: .user, parts: [.text(IR.Text("hi"))])])
        let out = try T.translate(#"{"model":"m","input":"hi","instructions":"sys"}"#, from: .responses, to: .responses)
        #expect(out["instructions"] == "sys")
        #expect(out["input"] == [["type": "message", "role": "user", "content": "hi"]])
    }

    static let efforts: [(String, IR.Reasoning?, String?)] = [
        (#"{"effort":"none"}"#, IR.Reasoning(mode: .disabled), "none"),
        (#"{"effort":"minimal"}"#, IR.Reasoning(mode: .effort(.minimal)), nil),
        (
            #"{"effort":"xhigh","summary":"detailed"}"#, IR.Reasoning(mode: .effort(.high), includeThoughts: true),
            "xhigh"
        ),
        (#"{"summary":"concise"}"#, IR.Reasoning(mode: .dynamic, includeThoughts: true), nil),
        (#"{"effort":null,"summary":null}"#, nil, nil),
    ]

    /// Efforts the IR does not have (`none`, `xhigh`) map to the nearest and go back verbatim to a Responses target.
    @Test(arguments: efforts)
    func reasoningEffortAndSummary(_ json: String, _ expected: IR.Reasoning?, _ verbatim: String?) throws {
        let body = #"{"model":"m","input":"hi","reasoning":\#(json)}"#
        #expect(try T.decode(body, from: .responses).reasoning == expected)
        let out = try T.translate(body, from: .responses, to: .responses)
        if let verbatim { #expect(out["reasoning"]?["effort"]?.stringValue == verbatim) }
        let chat = try T.translate(body, from: .responses, to: .chat)
        #expect(chat["reasoning_effort"]?.stringValue == expected.flatMap(\.effort)?.rawValue)
    }

    static let choices: [(String, IR.ToolChoice?)] = [
        (#""auto""#, .auto), (#""none""#, IR.ToolChoice.none), (#""required""#, .required),
        (#"{"type":"function","name":"f"}"#, .tool("f")),
        (
            #"{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"f"}]}"#,
            .allowed(["f"], required: true)
        ),
    ]

    @Test(arguments: choices)
    func toolChoices(_ json: String, _ expected: IR.ToolChoice?) throws {
        let body =
            #"{"model":"m","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"tool_choice":\#(json)}"#
        #expect(try T.decode(body, from: .responses).toolChoice == expected)
        #expect(
            try T.translate(body, from: .responses, to: .responses)["tool_choice"] == (try JSONValue(parsing: json)))
    }

    /// A client of another protocol resends its whole conversation: the upstream stores nothing, and returns
    /// reasoning encrypted (only when reasoning is asked for: other models refuse the include).
    @Test func towardResponsesFromAnotherProtocol() throws {
        let chat =
            #"{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"string"}}}}}],"reasoning_effort":"low"}"#
        let out = try T.translate(chat, from: .chat, to: .responses)
        #expect(out["store"] == false)
        #expect(out["include"] == ["reasoning.encrypted_content"])
        #expect(out["reasoning"] == ["effort": "low", "summary": "auto"])
        #expect(out["instructions"] == "s")
        // Responses makes functions strict by default; a Chat tool is not.
        #expect(
            out["tools"]?.at(0) == [
                "type": "function", "name": "f",
                "parameters": ["type": "object", "properties": ["x": ["type": "string"]]], "strict": false,
            ])
        let plain = try T.translate(
            #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, from: .chat, to: .responses)
        #expect(plain["store"] == false && plain["include"] == nil)
        let thinking = try T.translate(
            #"{"model":"m","max_tokens":9,"thinking":{"type":"enabled","budget_tokens":3000},"messages":[{"role":"user","content":"hi"}]}"#,
            from: .messages, to: .responses)
        #expect(thinking["reasoning"] == ["effort": "low", "summary": "auto"])
    }

    static let inexpressible: [(String, APIProtocol, String)] = [
        (#"{"model":"m","stop":["x"],"messages":[{"role":"user","content":"hi"}]}"#, .chat, "stop"),
        (#"{"model":"m","seed":1,"messages":[{"role":"user","content":"hi"}]}"#, .chat, "seed"),
        (#"{"model":"m","n":2,"messages":[{"role":"user","content":"hi"}]}"#, .chat, "n"),
        (
            #"{"model":"m","presence_penalty":0.5,"messages":[{"role":"user","content":"hi"}]}"#, .chat,
            "presence_penalty"
        ),
        (#"{"model":"m","max_tokens":9,"top_k":5,"messages":[{"role":"user","content":"hi"}]}"#, .messages, "top_k"),
        (
            #"{"model":"m","max_tokens":9,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}"#,
            .messages, "tools[web_search]"
        ),
        (#"{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"googleSearch":{}}]}"#, .gemini, "tools[googleSearch]"),
    ]

    @Test(arguments: inexpressible)
    func whatResponsesCannotExpressIsRefused(_ body: String, _ from: APIProtocol, _ param: String) {
        let e = T.refusal(body, from: from, to: .responses)
        #expect(e?.kind == .invalidRequest)
        #expect(e?.param == param)
    }

    static let builtins: [(String, String)] = [
        (#"{"type":"web_search","search_context_size":"low"}"#, "tools[web_search]"),
        (#"{"type":"file_search","vector_store_ids":["vs_1"]}"#, "tools[file_search]"),
        (#"{"type":"code_interpreter","container":{"type":"auto"}}"#, "tools[code_interpreter]"),
        (
            #"{"type":"computer_use_preview","display_width":1024,"display_height":768,"environment":"browser"}"#,
            "tools[computer_use_preview]"
        ),
        (#"{"type":"mcp","server_label":"x","server_url":"https://e.com/mcp"}"#, "tools[mcp]"),
        (#"{"type":"image_generation"}"#, "tools[image_generation]"),
        (#"{"type":"local_shell"}"#, "tools[local_shell]"),
        (#"{"type":"custom","name":"apply_patch","description":"free-form"}"#, "tools[apply_patch]"),
    ]

    /// A built-in tool reaches only a Responses target; anywhere else the request fails naming it, never dropped.
    @Test(arguments: builtins)
    func builtInToolsGoOnlyToResponses(_ tool: String, _ param: String) throws {
        let body = #"{"model":"m","input":"hi","tools":[\#(tool)]}"#
        #expect(
            try T.translate(body, from: .responses, to: .responses)["tools"]?.at(0) == (try JSONValue(parsing: tool)))
        for target in APIProtocol.generative where target != .responses {
            let e = T.refusal(body, from: .responses, to: target)
            #expect(e?.kind == .invalidRequest, "\(target)")
            #expect(e?.param == param, "\(target)")
        }
    }

    static let answerChanging: [(String, String)] = [
        (#""previous_response_id":"resp_1""#, "previous_response_id"), (#""background":true"#, "background"),
        (#""top_logprobs":3"#, "top_logprobs"), (#""conversation":"conv_1""#, "conversation"),
        (#""prompt":{"id":"pmpt_1"}"#, "prompt"), (#""tool_choice":{"type":"web_search"}"#, "tool_choice"),
    ]

    /// Fields that change the answer and that only Responses has are refused elsewhere, and kept for Responses.
    @Test(arguments: answerChanging)
    func answerChangingFieldsAreRefusedElsewhere(_ member: String, _ param: String) throws {
        let body = #"{"model":"m","input":"hi",\#(member)}"#
        for target in APIProtocol.generative where target != .responses {
            #expect(T.refusal(body, from: .responses, to: target)?.param == param, "\(target)")
        }
        #expect(try T.translate(body, from: .responses, to: .responses)[param] != nil)
        var r = try T.decode(body, from: .responses)
        r.extensions.remove(param)
        #expect(throws: Never.self) { _ = try Translator.encodeRequest(r, to: .chat, upstreamModel: "u") }
    }

    @Test func aCallOutputNeedsItsCallID() {
        let e = T.refusal(
            #"{"model":"m","input":[{"type":"function_call_output","output":"x"}]}"#, from: .responses, to: .chat)
        #expect(e?.param == "input[0].call_id")
        #expect(T.refusal(#"{"model":"m"}"#, from: .responses, to: .chat)?.param == "input")
        #expect(T.refusal(#"{"model":"m","previous_response_id":"resp_1"}"#, from: .responses, to: .responses) == nil)
    }

    /// Media and documents: URLs and data URLs as Chat has them, files as `input_file`.
    @Test func mediaTowardResponses() throws {
        let body =
            #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"QUJD"}},{"type":"document","source":{"type":"url","url":"https://e.com/d.pdf"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain"}}]}]}"#
        let out = try T.translate(body, from: .messages, to: .responses)
        #expect(
            out["input"]?.at(0)?["content"] == [
                ["type": "input_image", "image_url": "data:image/png;base64,QUJD", "detail": "auto"],
                ["type": "input_file", "file_url": "https://e.com/d.pdf"],
                ["type": "input_text", "text": "plain"],
            ])
    }
}
