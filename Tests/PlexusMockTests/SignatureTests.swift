import PlexusCore
import Testing

@testable import PlexusMock

@Suite("Thinking signatures")
struct SignatureTests {
    let upstream = MockUpstream(secret: "sig-test")

    func anthropicThinkingBlock() async throws -> JSONValue {
        let body = Support.json(
            #"{"model":"demo-thinking","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}"#)
        let response = try await upstream.handle(Support.post("/v1/messages", body))
        let json = try JSONValue(parsing: try await Support.collect(response.body).bytes)
        return try #require(json["content"]?.arrayValue?.first)
    }

    func followUp(_ block: JSONValue) -> [UInt8] {
        let body: JSONValue = [
            "model": "demo-fast", "max_tokens": 50,
            "messages": [
                ["role": "user", "content": "hi"],
                ["role": "assistant", "content": [block, ["type": "text", "text": "ok"]]],
                ["role": "user", "content": "and?"],
            ],
        ]
        return body.serialized()
    }

    func status(_ path: String, _ body: [UInt8]) async throws -> (Int, JSONValue) {
        let response = try await upstream.handle(Support.post(path, body))
        return (response.status, try JSONValue(parsing: try await Support.collect(response.body).bytes))
    }

    @Test func mintedSignaturesVerify() async throws {
        let block = try await anthropicThinkingBlock()
        let signature = try #require(block["signature"]?.stringValue)
        let thinking = try #require(block["thinking"]?.stringValue)
        #expect(upstream.verifySignature(signature))
        #expect(upstream.signer.verify(signature, purpose: .anthropicThinking, content: thinking) == .valid)
        #expect(
            upstream.signer.verify(signature, purpose: .anthropicThinking, content: thinking + "!") == .wrongContent)
        #expect(!MockUpstream(secret: "other").verifySignature(signature))
    }

    @Test func anthropicAcceptsItsOwnThinkingBack() async throws {
        let (code, _) = try await status("/v1/messages", followUp(try await anthropicThinkingBlock()))
        #expect(code == 200)
    }

    /// Ways a gateway can break a signature on the way back.
    enum Damage: String, CaseIterable {
        case flippedByte, foreign, otherText, missing, tagged
    }

    @Test("altered Anthropic signatures are rejected, naming the block", arguments: Damage.allCases)
    func anthropicRejects(_ damage: Damage) async throws {
        guard case .object(var block) = try await anthropicThinkingBlock(),
            let signature = block["signature"]?.stringValue
        else {
            Issue.record("no block")
            return
        }
        switch damage {
        case .flippedByte:
            var chars = Array(signature)
            chars[10] = chars[10] == "A" ? "B" : "A"
            block["signature"] = .string(String(chars))
        case .foreign: block["signature"] = "EqQBCkYIBxgCKkCvO1g0mAm1d9TaeAB0Z5ybT4Ea8FzZ0U6bS9hQ"
        case .otherText: block["thinking"] = "I changed my mind."
        case .missing: block["signature"] = nil
        case .tagged: block["signature"] = .string("plexus:gemini:" + signature)
        }
        let (code, json) = try await status("/v1/messages", followUp(.object(block)))
        #expect(code == 400)
        #expect(json["error"]?["type"]?.stringValue == "invalid_request_error")
        let message = json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("messages.1.content.0"))
        if damage != .missing { #expect(message.contains(String((block["signature"]?.stringValue ?? "").prefix(20)))) }
    }

    @Test func redactedThinkingRoundTrips() async throws {
        let body = Support.json(
            #"{"model":"mock:redacted","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}"#)
        let (_, json) = try await status("/v1/messages", body)
        let block = try #require(json["content"]?.arrayValue?.first)
        #expect(block["type"]?.stringValue == "redacted_thinking")
        #expect(try await status("/v1/messages", followUp(block)).0 == 200)
        let forged: JSONValue = ["type": "redacted_thinking", "data": "Zm9yZ2Vk"]
        #expect(try await status("/v1/messages", followUp(forged)).0 == 400)
    }

    func geminiModelContent(_ model: String) async throws -> JSONValue {
        let body = Support.json(#"{"contents":[{"role":"user","parts":[{"text":"weather?"}]}]}"#)
        let (_, json) = try await status("/v1beta/models/\(model):generateContent", body)
        return try #require(json["candidates"]?.arrayValue?.first?["content"])
    }

    func geminiFollowUp(_ content: JSONValue) -> [UInt8] {
        let body: JSONValue = [
            "contents": [
                ["role": "user", "parts": [["text": "weather?"]]], content,
                ["role": "user", "parts": [["functionResponse": ["name": "get_weather", "response": ["t": 20]]]]],
            ]
        ]
        return body.serialized()
    }

    @Test func geminiSignaturesOnTextAndFunctionCalls() async throws {
        for model in ["demo-thinking", "mock:thinking,tools=2"] {
            let content = try await geminiModelContent(model)
            let signed = (content["parts"]?.arrayValue ?? []).compactMap { $0["thoughtSignature"]?.stringValue }
            #expect(signed.count == 1, "\(model)")
            #expect(signed.allSatisfy(upstream.verifySignature))
            #expect(try await status("/v1beta/models/demo-fast:generateContent", geminiFollowUp(content)).0 == 200)
        }
    }

    @Test func geminiRejectsAlteredAndMovedSignatures() async throws {
        let content = try await geminiModelContent("mock:thinking,tools=1")
        var parts = content["parts"]?.arrayValue ?? []
        let index = try #require(parts.firstIndex { $0["thoughtSignature"] != nil })
        guard case .object(var part) = parts[index], let signature = part["thoughtSignature"]?.stringValue else {
            return
        }
        // Altered bytes.
        part["thoughtSignature"] = .string(String(signature.dropLast(4)) + "AAA=")
        parts[index] = .object(part)
        let (code, json) = try await status(
            "/v1beta/models/demo-fast:generateContent",
            geminiFollowUp(["role": "model", "parts": .array(parts)]))
        #expect(code == 400)
        #expect(json["error"]?["status"]?.stringValue == "INVALID_ARGUMENT")
        #expect(json["error"]?["message"]?.stringValue?.contains("contents[1].parts[\(index)]") == true)
        // The function call's signature moved onto a text part.
        let moved: JSONValue = ["role": "model", "parts": [["text": "hm", "thoughtSignature": .string(signature)]]]
        #expect(try await status("/v1beta/models/demo-fast:generateContent", geminiFollowUp(moved)).0 == 400)
        // Google's documented skip value passes.
        let skip: JSONValue = [
            "role": "model",
            "parts": [
                [
                    "functionCall": ["name": "get_weather", "args": [:]],
                    "thought_signature": "skip_thought_signature_validator",
                ]
            ],
        ]
        #expect(try await status("/v1beta/models/demo-fast:generateContent", geminiFollowUp(skip)).0 == 200)
    }

    @Test func base64RoundTrip() {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8($0 * 37 & 0xFF) }
            #expect(MockBase64.decode(MockBase64.encode(bytes)) == bytes)
        }
        #expect(MockBase64.decode("abc") == nil)
        #expect(MockBase64.decode("a=bc") == nil)
    }
}
