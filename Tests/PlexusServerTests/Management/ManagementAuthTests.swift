import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PlexusCore
import Testing

@testable import PlexusServer

/// Issue 5: every management route refuses no, wrong and client credentials, and answers the admin key.
@Suite("Management auth", .serialized, .timeLimit(.minutes(3)))
struct ManagementAuthTests {
    /// Each documented route, with a body where it needs one (safe to call: reads, or writes that are valid).
    static let routes: [(HTTPMethod, String, String?)] = [
        (.GET, "/v0/management/config", nil),
        (.GET, "/v0/management/config/status", nil),
        (.POST, "/v0/management/config/validate", "server: {}\nproviders: {}\nmodels: {}\nkeys: {}\n"),
        (.GET, "/v0/management/providers", nil),
        (.GET, "/v0/management/providers/demo", nil),
        (.GET, "/v0/management/models", nil),
        (.GET, "/v0/management/models/demo", nil),
        (.GET, "/v0/management/keys", nil),
        (.GET, "/v0/management/keys/tester", nil),
        (.GET, "/v0/management/cooldowns", nil),
        (.DELETE, "/v0/management/cooldowns", nil),
        (.GET, "/v0/management/performance", nil),
        (.GET, "/v0/management/usage", nil),
        (.GET, "/v0/management/usage/summary", nil),
        (.GET, "/v0/management/debug", nil),
        (.PATCH, "/v0/management/debug", #"{"capture_on_error": true}"#),
        (.GET, "/v0/management/debug/traces", nil),
        (.GET, "/v0/management/errors", nil),
        (.GET, "/v0/management/metrics", nil),
        (.GET, "/metrics", nil),
    ]

    @Test func everyRouteRefusesMissingWrongAndClientCredentialsAndServesTheAdmin() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            for (method, path, body) in Self.routes {
                for bad in [
                    AdminCredential.none, .header("wrong"), .bearer("wrong"), .header(TestGateway.key),
                    .bearer(TestGateway.key), .cookie("forged", origin: gw.base),
                ] {
                    let answer = try await gw.admin(method, path, body: body, as: bad)
                    #expect(answer.status == 401, "\(method) \(path) with \(bad): \(answer.status)")
                    #expect(answer.json["error"]?["code"]?.stringValue == "unauthorized")
                }
                for good in [AdminCredential.header(TestGateway.adminKey), .bearer(TestGateway.adminKey)] {
                    let answer = try await gw.admin(method, path, body: body, as: good)
                    #expect(
                        (200..<300).contains(answer.status),
                        "\(method) \(path) with \(good): \(answer.status) \(answer.body)")
                }
            }
        }
    }

    @Test func sessionCookieLogsInAndMutationsNeedTheDashboardsOrigin() async throws {
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let wrong = try await gw.admin(.POST, "/v0/auth/login", body: #"{"admin_key":"nope"}"#, as: .none)
            #expect(wrong.status == 401)
            let login = try await gw.admin(
                .POST, "/v0/auth/login", body: #"{"admin_key":"\#(TestGateway.adminKey)"}"#, as: .none)
            #expect(login.status == 200)
            let cookie = try #require(login.headers.first(name: "set-cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let token = String(cookie.split(separator: ";")[0].split(separator: "=")[1])
            let read = try await gw.admin(.GET, "/v0/management/keys", as: .cookie(token, origin: nil))
            #expect(read.status == 200)
            let crossSite = try await gw.admin(
                .PATCH, "/v0/management/debug", body: "{}", as: .cookie(token, origin: "http://evil.example"))
            #expect(crossSite.status == 403)
            let sameSite = try await gw.admin(
                .PATCH, "/v0/management/debug", body: "{}", as: .cookie(token, origin: gw.base))
            #expect(sameSite.status == 200)
            let session = try await gw.admin(.GET, "/v0/auth/session", as: .cookie(token, origin: nil))
            #expect(session.json["authenticated"]?.boolValue == true)
            _ = try await gw.admin(.POST, "/v0/auth/logout", as: .cookie(token, origin: gw.base))
            let after = try await gw.admin(.GET, "/v0/management/keys", as: .cookie(token, origin: nil))
            #expect(after.status == 401)
        }
    }

    @Test func withoutAnAdminKeyTheManagementAPIIsOff() async throws {
        let yaml = managementYAML().replacingOccurrences(of: "  admin_key: ${TEST_ADMIN_KEY}\n", with: "  port: 4000\n")
        try await TestGateway.with(yaml: yaml) { gw in
            let answer = try await gw.admin(.GET, "/v0/management/config")
            #expect(answer.status == 403)
            #expect(answer.json["error"]?["code"]?.stringValue == "admin_disabled")
        }
    }
}
