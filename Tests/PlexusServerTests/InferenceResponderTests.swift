import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Testing

@testable import PlexusServer

/// The short cut for the hot inference routes answers exactly as the router does, and leaves every other route to it.
@Suite("Inference responder", .timeLimit(.minutes(2)))
struct InferenceResponderTests {
    @Test func geminiActionIsOnePlainPathComponent() {
        #expect(InferenceResponder.geminiAction("/v1beta/models/demo:generateContent") == "demo:generateContent")
        #expect(InferenceResponder.geminiAction("/v1/models/demo:countTokens") == "demo:countTokens")
        #expect(InferenceResponder.geminiAction("/v1beta/models/") == nil)
        #expect(InferenceResponder.geminiAction("/v1beta/models/a/b") == nil)
        #expect(InferenceResponder.geminiAction("/v1beta/models") == nil)
        #expect(InferenceResponder.geminiAction("/v1/chat/completions") == nil)
    }

    @Test func fastAndRoutedPathsAnswerAsTheRouterDoes() async throws {
        let chat = #"{"model":"demo","messages":[{"role":"user","content":"hi"}]}"#
        let messages = #"{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#
        let gemini = #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#
        let cases: [(HTTPMethod, String, String?, String, Int)] = [
            // The short cut.
            (.POST, "/v1/chat/completions", chat, TestGateway.key, 200),
            (.POST, "/v1/chat/completions", chat, "wrong", 401),
            (.POST, "/v1/messages", messages, TestGateway.key, 200),
            (.POST, "/v1beta/models/demo:generateContent", gemini, TestGateway.key, 200),
            (.POST, "/v1/models/demo:generateContent", gemini, TestGateway.key, 200),
            (.POST, "/v1beta/models/demo:nope", gemini, TestGateway.key, 404),
            // The router: other spellings and methods, other routes.
            (.POST, "/v1/chat/completions/", chat, TestGateway.key, 200),
            (.POST, "/v1/chat/completions?x=1", chat, TestGateway.key, 200),
            (.GET, "/v1/chat/completions", nil, TestGateway.key, 404),
            (.POST, "/v1/nothing", chat, TestGateway.key, 404),
            (.POST, "/v1beta/models/demo:generateContent/x", gemini, TestGateway.key, 404),
            (.GET, "/v1/models", nil, TestGateway.key, 200),
            (.GET, "/health", nil, TestGateway.key, 200),
        ]
        try await TestGateway.with(yaml: managementYAML()) { gw in
            for (method, path, body, key, status) in cases {
                let answer = try await gw.call(method, path, body, key: key)
                #expect(answer.status == status, "\(method) \(path): \(answer.body)")
            }
            // Management routes keep their middleware.
            let admin = try await gw.admin(.GET, "/v0/management/config")
            #expect(admin.status == 200)
            let anonymous = try await gw.admin(.GET, "/v0/management/config", as: .none)
            #expect(anonymous.status == 401)
        }
    }
}

extension TestGateway {
    /// Sends `body` (JSON) to `path` with a client key; the answer's status and body.
    func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, key: String = Self.key)
        async throws -> (status: Int, body: String)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), buffer.readString(length: buffer.readableBytes) ?? "")
    }
}
