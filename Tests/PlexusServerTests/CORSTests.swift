import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import PlexusServer

/// Issue 18, point 7: `server.cors_origins` gives exactly those origins a preflight and CORS headers on the
/// inference routes, and never on the management routes.
@Suite("CORS on inference routes", .timeLimit(.minutes(2)))
struct CORSTests {
    static let yaml = """
        server:
          admin_key: ${TEST_ADMIN_KEY}
          cors_origins: ["https://app.example"]
        providers:
          demo: { api_base_url: "mock://" }
        models:
          demo: { targets: [ { provider: demo, model: demo-fast } ] }
        keys:
          test: { secret: "${TEST_KEY}" }
        """

    static func call(
        _ gw: TestGateway, _ method: HTTPMethod, _ path: String, origin: String?,
        headers extra: [(String, String)] = [], body: String? = nil
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: gw.base + path)
        request.method = method
        if let origin { request.headers.add(name: "origin", value: origin) }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response
    }

    static let chat = #"{"model":"demo","messages":[{"role":"user","content":"x"}]}"#
    static let auth = [("authorization", "Bearer \(TestGateway.key)")]

    @Test func anAllowedOriginGetsAPreflightAndHeaders() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let preflight = try await Self.call(
                gw, .OPTIONS, "/v1/chat/completions", origin: "https://app.example",
                headers: [
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "authorization, content-type"),
                ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.first(name: "access-control-allow-origin") == "https://app.example")
            #expect(preflight.headers.first(name: "access-control-allow-headers") == "authorization, content-type")
            #expect(preflight.headers.first(name: "access-control-allow-methods")?.contains("POST") == true)
            let answer = try await Self.call(
                gw, .POST, "/v1/chat/completions", origin: "https://app.example",
                headers: Self.auth, body: Self.chat)
            #expect(answer.status == .ok)
            #expect(answer.headers.first(name: "access-control-allow-origin") == "https://app.example")
            #expect(answer.headers.first(name: "access-control-expose-headers")?.contains("x-request-id") == true)
        }
    }

    @Test func anotherOriginGetsNoCORSHeaders() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let preflight = try await Self.call(gw, .OPTIONS, "/v1/chat/completions", origin: "https://evil.example")
            #expect(preflight.headers.first(name: "access-control-allow-origin") == nil)
            let answer = try await Self.call(
                gw, .POST, "/v1/chat/completions", origin: "https://evil.example",
                headers: Self.auth, body: Self.chat)
            #expect(answer.status == .ok)
            #expect(answer.headers.first(name: "access-control-allow-origin") == nil)
        }
    }

    @Test func managementRoutesNeverAnswerCrossOrigin() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let admin = [("x-admin-key", TestGateway.adminKey)]
            let status = try await Self.call(
                gw, .GET, "/v0/management/config/status", origin: "https://app.example",
                headers: admin)
            #expect(status.status == .ok)
            #expect(status.headers.first(name: "access-control-allow-origin") == nil)
            let preflight = try await Self.call(gw, .OPTIONS, "/v0/management/config", origin: "https://app.example")
            #expect(preflight.headers.first(name: "access-control-allow-origin") == nil)
        }
    }

    @Test func withoutConfiguredOriginsNothingIsAllowed() async throws {
        let yaml = Self.yaml.replacingOccurrences(of: #"  cors_origins: ["https://app.example"]"#, with: "")
        try await TestGateway.with(yaml: yaml) { gw in
            let answer = try await Self.call(
                gw, .POST, "/v1/chat/completions", origin: "https://app.example",
                headers: Self.auth, body: Self.chat)
            #expect(answer.status == .ok)
            #expect(answer.headers.first(name: "access-control-allow-origin") == nil)
        }
    }
}
