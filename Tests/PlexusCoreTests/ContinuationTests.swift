import PlexusCore
import Testing

/// A client resends the assistant turn it received (in its own protocol) plus tool results; the gateway must send the
/// provider exactly the signatures it minted, and nothing tagged or foreign.
@Suite struct ContinuationTests {
    /// The follow-up request a client of `client` would send after receiving `answer`.
    static func followUp(_ answer: JSONValue, client: APIProtocol, calls: [IR.ToolCall]) -> JSONValue {
        let names = Array(Set(calls.map(\.name))).sorted()
        switch client {
        case .responses:
            // As the openai SDK's docs show: the output items resent as they came, then the call outputs.
            let output = answer["output"]?.arrayValue ?? []
            var input: [JSONValue] = [["role": "user", "content": "hi"]] + output
            for item in output where item["type"]?.stringValue == "function_call" {
                input.append(["type": "function_call_output", "call_id": item["call_id"] ?? .null, "output": "ok"])
            }
            let tools: [JSONValue] = names.map {
                ["type": "function", "name": .string($0), "parameters": ["type": "object"]]
            }
            return ["model": "m", "input": .array(input), "tools": .array(tools)]
        case .chat, .embeddings:
            var messages: [JSONValue] = [
                ["role": "user", "content": "hi"], answer["choices"]?.at(0)?["message"] ?? .null,
            ]
            for c in answer["choices"]?.at(0)?["message"]?["tool_calls"]?.arrayValue ?? [] {
                messages.append(["role": "tool", "tool_call_id": c["id"] ?? .null, "content": "ok"])
            }
            let tools: [JSONValue] = names.map {
                ["type": "function", "function": ["name": .string($0), "parameters": ["type": "object"]]]
            }
            return ["model": "m", "messages": .array(messages), "tools": .array(tools)]
        case .messages:
            var messages: [JSONValue] = [
                ["role": "user", "content": "hi"], ["role": "assistant", "content": answer["content"] ?? []],
            ]
            let results: [JSONValue] = (answer["content"]?.arrayValue ?? []).filter {
                $0["type"]?.stringValue == "tool_use"
            }.map {
                ["type": "tool_result", "tool_use_id": $0["id"] ?? .null, "content": "ok"]
            }
            if !results.isEmpty { messages.append(["role": "user", "content": .array(results)]) }
            let tools: [JSONValue] = names.map { ["name": .string($0), "input_schema": ["type": "object"]] }
            return ["model": "m", "max_tokens": 100, "messages": .array(messages), "tools": .array(tools)]
        case .gemini:
            let content = answer["candidates"]?.at(0)?["content"] ?? .null
            var contents: [JSONValue] = [["role": "user", "parts": [["text": "hi"]]], content]
            // Like many Gemini clients, answer by function name only (no call id).
            let responses: [JSONValue] = (content["parts"]?.arrayValue ?? []).compactMap { $0["functionCall"] }.map {
                ["functionResponse": ["name": $0["name"] ?? .null, "response": ["output": "ok"]]]
            }
            if !responses.isEmpty { contents.append(["role": "user", "parts": .array(responses)]) }
            let decls: [JSONValue] = names.map { ["name": .string($0), "parametersJsonSchema": ["type": "object"]] }
            return [
                "contents": .array(contents), "tools": decls.isEmpty ? [] : [["functionDeclarations": .array(decls)]],
            ]
        }
    }

    /// Signatures and redacted data as a provider receives them in a request body.
    /// Minted signatures as a client of another protocol resends them: Responses reasoning without its item id
    /// (`store: false`), its encrypted content unchanged.
    static func resent(_ signatures: [String]) -> [String] {
        signatures.map { sig in
            guard sig.hasPrefix("responses:") else { return sig }
            let rest = sig.dropFirst("responses:".count)
            return "responses::" + (rest.firstIndex(of: ":").map { rest[rest.index(after: $0)...] } ?? rest)
        }.sorted()
    }

    static func upstreamSignatures(_ body: JSONValue, proto: APIProtocol) -> (sigs: [String], redacted: [String]) {
        var sigs: [String] = []
        var redacted: [String] = []
        switch proto {
        case .messages:
            for m in body["messages"]?.arrayValue ?? [] {
                for b in m["content"]?.arrayValue ?? [] {
                    if b["type"]?.stringValue == "thinking", let s = b["signature"]?.stringValue, !s.isEmpty {
                        sigs.append("messages:" + s)
                    }
                    if b["type"]?.stringValue == "redacted_thinking" { redacted.append(b["data"]?.stringValue ?? "") }
                }
            }
        case .gemini:
            for c in body["contents"]?.arrayValue ?? [] {
                for p in c["parts"]?.arrayValue ?? [] {
                    if let s = p["thoughtSignature"]?.stringValue, s != Gemini.skipSignature {
                        sigs.append("gemini:" + s)
                    }
                }
            }
        case .responses:
            for item in body["input"]?.arrayValue ?? [] where item["type"]?.stringValue == "reasoning" {
                let id = item["id"]?.stringValue ?? ""
                let enc = item["encrypted_content"]?.stringValue ?? ""
                if !enc.isEmpty { sigs.append("responses:\(id):\(enc)") }
            }
        case .chat, .embeddings:
            break
        }
        return (sigs.sorted(), redacted)
    }

    static let signed = Fixtures.responses.filter {
        let e = RawExpectations.unary($0)
        return !e.signatures.isEmpty || !e.redacted.isEmpty || !e.calls.isEmpty
    }

    @Test(arguments: signed, APIProtocol.generative)
    func providerGetsItsOwnSignaturesBack(_ f: Fixture, _ client: APIProtocol) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        let answer = try JSONValue(parsing: Translator.encodeResponse(r, to: client, clientModel: "alias"))
        let request = Self.followUp(answer, client: client, calls: r.toolCalls)
        let ir = try Translator.decodeRequest(request.serialized(), from: client, model: "alias")
        let raw = RawExpectations.unary(f)
        for target in APIProtocol.generative {
            let body = try Translator.encodeRequest(ir, to: target, upstreamModel: "m")
            #expect(!String(decoding: body, as: UTF8.self).contains("plexus:"), "a gateway tag leaked to \(target)")
            let got = Self.upstreamSignatures(try JSONValue(parsing: body), proto: target)
            if target == f.proto {
                // A Responses client's own items go back as it sent them (ids too); other clients' without ids.
                #expect(got.sigs == (client == .responses ? raw.signatures : Self.resent(raw.signatures)))
                #expect(got.redacted == raw.redacted)
            } else {
                #expect(got.sigs.isEmpty, "foreign signatures sent to \(target)")
            }
        }
    }

    @Test(arguments: signed, APIProtocol.generative)
    func toolResultsStayLinkedToTheirCalls(_ f: Fixture, _ client: APIProtocol) throws {
        let r = try Translator.decodeResponse(f.bytes, from: f.proto)
        guard !r.toolCalls.isEmpty else { return }
        let answer = try JSONValue(parsing: Translator.encodeResponse(r, to: client, clientModel: "alias"))
        let ir = try Translator.decodeRequest(
            Self.followUp(answer, client: client, calls: r.toolCalls).serialized(), from: client, model: "alias")
        for target in APIProtocol.generative {
            let body = try JSONValue(parsing: Translator.encodeRequest(ir, to: target, upstreamModel: "m"))
            let back = try Translator.decodeRequest(body.serialized(), from: target, model: "m")
            let calls = back.messages.flatMap(\.parts).compactMap { if case .toolCall(let c) = $0 { c } else { nil } }
            let results = back.messages.flatMap(\.parts).compactMap {
                if case .toolResult(let x) = $0 { x } else { nil }
            }
            #expect(calls.map(\.name) == r.toolCalls.map(\.name))
            #expect(results.count == calls.count)
            for (call, result) in zip(calls, results) { #expect(result.callID == call.id) }
            if target == .gemini {
                let names = (body["contents"]?.arrayValue ?? []).flatMap { $0["parts"]?.arrayValue ?? [] }.compactMap {
                    $0["functionResponse"]?["name"]?.stringValue
                }
                #expect(names == r.toolCalls.map(\.name))
            }
            if target == .messages {
                #expect(
                    calls.allSatisfy {
                        $0.id.utf8.allSatisfy { c in
                            c == 0x5F || c == 0x2D || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
                        }
                    })
            }
        }
    }
}
