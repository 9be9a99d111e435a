import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PlexusRouting
import Synchronization

/// Dashboard sessions: random tokens held in memory, 12 hours each. A restart logs everyone out.
final class SessionStore: Sendable {
    static let cookieName = "plexus_session"
    static let lifetime: TimeInterval = 12 * 3600
    private let sessions = Mutex<[String: Date]>([:])

    /// A new session token.
    func create(now: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        let token = KeyConfig.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        sessions.withLock { s in
            s = s.filter { $0.value > now }
            s[token] = now.addingTimeInterval(Self.lifetime)
        }
        return token
    }

    func isValid(_ token: String, now: Date = Date()) -> Bool {
        sessions.withLock { ($0[token] ?? .distantPast) > now }
    }

    func remove(_ token: String) { _ = sessions.withLock { $0.removeValue(forKey: token) } }
}

/// Admin authentication for `/v0/management`: admin key header or bearer, or a session cookie (with an `Origin`
/// check on mutating requests). Client keys are never admin credentials: only `server.admin_key` is compared.
struct AdminAuth: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: GatewayStateBox
    let sessions: SessionStore

    func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let failure = check(request) { return ManagementResponses.error(failure) }
        return try await next(request, context)
    }

    func check(_ request: Request) -> ManagementError? {
        guard let adminKey = state.current.config.server.adminKey, !adminKey.isEmpty else {
            return ManagementError(.adminDisabled, "the management API is off: set server.admin_key")
        }
        if let presented = Self.presentedKey(request) {
            return Self.matches(presented, adminKey) ? nil : ManagementError(.unauthorized, "invalid admin key")
        }
        guard let token = Self.cookie(request, named: SessionStore.cookieName), sessions.isValid(token) else {
            return ManagementError(.unauthorized, "admin credentials required: x-admin-key, Bearer, or a session")
        }
        if request.method != .get && request.method != .head && !Self.sameOrigin(request) {
            return ManagementError(.forbidden, "a cookie-authenticated change must come from the dashboard's origin")
        }
        return nil
    }

    static func presentedKey(_ request: Request) -> String? {
        if let key = request.headers[HTTPField.Name("x-admin-key")!] { return key }
        if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            return String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Constant-time comparison of SHA-256 digests (equal length whatever the inputs).
    static func matches(_ presented: String, _ expected: String) -> Bool {
        KeyTable.constantTimeEquals(
            Array(SHA256.hash(data: Data(presented.utf8))), Array(SHA256.hash(data: Data(expected.utf8))))
    }

    static func cookie(_ request: Request, named name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == name { return String(pair[1]) }
            }
        }
        return nil
    }

    /// `Origin` equals `http(s)://HOST` of the request.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[HTTPField.Name("origin")!],
            let host = request.head.authority ?? request.headers[HTTPField.Name("host")!]
        else {
            return false
        }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }
}
