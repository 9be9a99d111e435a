import PlexusCore
import Testing

@testable import PlexusMock

/// Answers that react to the conversation: tool results, images, key order, required signatures.
@Suite("Conversation-aware answers")
struct ConversationTests {
    let upstream = MockUpstream(secret: "conversation-test")

    /// A 1x1 PNG of 70 bytes; `zlib.crc32` of its bytes is 0x0795a426.
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    static let pngName = "image/png 70 bytes crc32 0795a426."

    func answer(_ path: String, _ body: JSONValue) async throws -> (Int, JSONValue) {
        let response = try await upstream.handle(Support.post(path, body.serialized()))
        return (response.status, try JSONValue(parsing: try await Support.collect(response.body).bytes))
    }

    /// The visible text of an answer in any protocol.
    static func text(_ json: JSONValue) -> String {
        if let message = json["choices"]?.arrayValue?.first?["message"] { return message["content"]?.stringValue ?? "" }
        if let blocks = json["content"]?.arrayValue {
            return blocks.filter { $0["type"]?.stringValue == "text" }.compactMap { $0["text"]?.stringValue }.joined()
        }
        let parts = json["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? []
        return parts.filter { $0["thought"] == nil }.compactMap { $0["text"]?.stringValue }.joined()
    }

    static let toolResultTurns: [(String, JSONValue)] = [
        (
            "/v1/chat/completions",
            [
                "model": "mock:tools=2",
                "messages": [
                    ["role": "user", "content": "weather?"],
                    [
                        "role": "assistant", "content": nil,
                        "tool_calls": [
                            ["id": "c1", "type": "function", "function": ["name": "get_weather", "arguments": "{}"]],
                            ["id": "c2", "type": "function", "function": ["name": "get_weather", "arguments": "{}"]],
                        ],
                    ],
                    ["role": "tool", "tool_call_id": "c1", "content": "20"],
                    ["role": "tool", "tool_call_id": "c2", "content": "21"],
                ],
            ]
        ),
        (
            "/v1/messages",
            [
                "model": "mock:tools=2", "max_tokens": 100,
                "messages": [
                    ["role": "user", "content": "weather?"],
                    [
                        "role": "assistant",
                        "content": [
                            ["type": "tool_use", "id": "t1", "name": "get_weather", "input": [:]],
                            ["type": "tool_use", "id": "t2", "name": "get_weather", "input": [:]],
                        ],
                    ],
                    [
                        "role": "user",
                        "content": [
                            ["type": "tool_result", "tool_use_id": "t1", "content": "20"],
                            ["type": "tool_result", "tool_use_id": "t2", "content": "21"],
                        ],
                    ],
                ],
            ]
        ),
        (
            "/v1beta/models/mock:tools=2:generateContent",
            [
                "contents": [
                    ["role": "user", "parts": [["text": "weather?"]]],
                    [
                        "role": "model",
                        "parts": [
                            ["functionCall": ["name": "get_weather", "args": [:]]],
                            ["functionCall": ["name": "get_weather", "args": [:]]],
                        ],
                    ],
                    [
                        "role": "user",
                        "parts": [
                            ["function_response": ["name": "get_weather", "response": ["t": 20]]],
                            ["functionResponse": ["name": "get_weather", "response": ["t": 21]]],
                        ],
                    ],
                ]
            ]
        ),
    ]

    @Test("tool results are answered with text that counts them", arguments: toolResultTurns)
    func toolResultsGetText(_ path: String, _ body: JSONValue) async throws {
        let (status, json) = try await answer(path, body)
        #expect(status == 200)
        let text = Self.text(json)
        #expect(text.hasPrefix("Received 2 tool results. "), "\(text)")
        let raw = json.jsonString
        #expect(!raw.contains("functionCall") && !raw.contains("tool_use") && !raw.contains("tool_calls"), "\(raw)")
    }

    static let imageRequests: [(String, JSONValue)] = [
        (
            "/v1/chat/completions",
            [
                "model": "demo-fast",
                "messages": [
                    [
                        "role": "user",
                        "content": [
                            ["type": "text", "text": "what is this?"],
                            ["type": "image_url", "image_url": ["url": .string("data:image/png;base64," + png)]],
                        ],
                    ]
                ],
            ]
        ),
        (
            "/v1/messages",
            [
                "model": "demo-fast", "max_tokens": 100,
                "messages": [
                    [
                        "role": "user",
                        "content": [
                            [
                                "type": "image",
                                "source": ["type": "base64", "media_type": "image/png", "data": .string(png)],
                            ],
                            ["type": "text", "text": "what is this?"],
                        ],
                    ]
                ],
            ]
        ),
        (
            "/v1beta/models/demo-fast:generateContent",
            [
                "contents": [
                    [
                        "role": "user",
                        "parts": [
                            ["text": "what is this?"],
                            ["inline_data": ["mime_type": "image/png", "data": .string(png)]],
                        ],
                    ]
                ]
            ]
        ),
    ]

    @Test("images are named by type, size and CRC-32", arguments: imageRequests)
    func imagesAreDescribed(_ path: String, _ body: JSONValue) async throws {
        let (status, json) = try await answer(path, body)
        #expect(status == 200)
        #expect(Self.text(json).hasPrefix("Image 1 " + Self.pngName + " "), "\(Self.text(json))")
    }

    @Test func crc32MatchesZlib() {
        #expect(MockCRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(MockCRC32.checksum([]) == 0)
    }

    @Test func keyOrderDoesNotChangeTheAnswer() async throws {
        let a = Support.json(
            #"{"model":"mock:thinking","max_tokens":100,"messages":[{"role":"user","content":"hi"}],"tools":[]}"#)
        let b = Support.json(
            #"{"tools":[],"messages":[{"content":"hi","role":"user"}],"max_tokens":100,"model":"mock:thinking"}"#)
        let first = try await Support.collect(try await upstream.handle(Support.post("/v1/messages", a)).body).bytes
        let second = try await Support.collect(try await upstream.handle(Support.post("/v1/messages", b)).body).bytes
        #expect(first == second)
    }

    /// Turn 1 of a thinking tool loop, then turn 2 with the assistant turn as `edit` leaves it.
    func anthropicLoop(_ edit: ([JSONValue]) -> [JSONValue]) async throws -> (Int, JSONValue) {
        let user: JSONValue = ["role": "user", "content": "weather?"]
        let (_, first) = try await answer(
            "/v1/messages", ["model": "mock:thinking,tools=1", "max_tokens": 100, "messages": [user]])
        let blocks = first["content"]?.arrayValue ?? []
        let id = blocks.last?["id"] ?? nil
        return try await answer(
            "/v1/messages",
            [
                "model": "mock:thinking,tools=1", "max_tokens": 100,
                "messages": [
                    user, ["role": "assistant", "content": .array(edit(blocks))],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": "20"]]],
                ],
            ])
    }

    @Test func anthropicThinkingModelRequiresTheThinkingBlockInAToolLoop() async throws {
        let (ok, answer) = try await anthropicLoop { $0 }
        #expect(ok == 200)
        #expect(Self.text(answer).hasPrefix("Received 1 tool result. Verified 1 signature. "))
        let (status, json) = try await anthropicLoop { Array($0.dropFirst()) }
        #expect(status == 400)
        #expect(
            json["error"]?["message"]?.stringValue?.hasPrefix("messages.1.content.0.type: Expected `thinking`") == true)
    }

    /// Turn 1 of a Gemini thinking tool loop, then turn 2 with the model turn's first part edited.
    func geminiLoop(_ edit: (inout JSONObject) -> Void) async throws -> (Int, JSONValue) {
        let path = "/v1beta/models/mock:thinking,tools=1:generateContent"
        let user: JSONValue = ["role": "user", "parts": [["text": "weather?"]]]
        let (_, first) = try await answer(path, ["contents": [user]])
        var parts = first["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? []
        let k = parts.firstIndex { $0["functionCall"] != nil } ?? 0
        if case .object(var o) = parts[k] {
            edit(&o)
            parts[k] = .object(o)
        }
        return try await answer(
            path,
            [
                "contents": [
                    user, ["role": "model", "parts": .array(parts)],
                    ["role": "user", "parts": [["functionResponse": ["name": "get_weather", "response": ["t": 20]]]]],
                ]
            ])
    }

    @Test func geminiThinkingModelRequiresTheCallSignatureAndReadsURLSafeBase64() async throws {
        let (ok, answer) = try await geminiLoop { _ in }
        #expect(ok == 200)
        #expect(Self.text(answer).hasPrefix("Received 1 tool result. Verified 1 signature. "))
        let (skipped, skippedAnswer) = try await geminiLoop {
            $0["thoughtSignature"] = "skip_thought_signature_validator"
        }
        #expect(skipped == 200)
        #expect(Self.text(skippedAnswer).hasPrefix("Received 1 tool result. Skipped 1 signature. "))
        let (urlSafe, _) = try await geminiLoop { o in
            // What google-genai resends: the same bytes, URL-safe and unpadded.
            let s = o["thoughtSignature"]?.stringValue ?? ""
            o["thoughtSignature"] = .string(
                String(s.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" }))
        }
        #expect(urlSafe == 200)
        let (status, json) = try await geminiLoop { $0["thoughtSignature"] = nil }
        #expect(status == 400)
        #expect(json["error"]?["message"]?.stringValue?.contains("missing a thought_signature") == true)
    }
}
