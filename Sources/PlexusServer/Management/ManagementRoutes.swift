import Foundation
import HTTPTypes
import Hummingbird
import PlexusCore
import PlexusRouting
import PlexusStorage

/// Everything the management API reads and steers.
struct ManagementContext: Sendable {
    let stateBox: GatewayStateBox
    let config: ConfigManager
    let sessions: SessionStore
    let events: EventHub
    let routing: RoutingState
    let store: any UsageStore
    let writer: UsageWriter
    let capture: CaptureSettings
    let metrics: GatewayMetrics
    let inFlight: InFlightTable
    let ledger: any LimitLedger
}

/// `/v0/auth/…` and `/v0/management/…` (docs/api.md).
struct ManagementRoutes {
    let context: ManagementContext

    func register(on router: Router<BasicRequestContext>) {
        registerAuth(on: router)
        let group = router.group("/v0/management")
            .add(middleware: AdminAuth(state: context.stateBox, sessions: context.sessions))
        registerConfig(on: group)
        registerEntities(on: group)
        registerState(on: group)
        registerUsage(on: group)
        registerLimits(on: group)
        let auth = AdminAuth(state: context.stateBox, sessions: context.sessions)
        group.get("metrics") { _, _ in metricsResponse() }
        router.get("/metrics") { request, _ in
            if let failure = auth.check(request) { return ManagementResponses.error(failure) }
            return metricsResponse()
        }
    }

    func metricsResponse() -> Response {
        let body = context.metrics.exposition(activeCooldowns: context.routing.cooldowns(now: RoutingState.now()).count)
        return ManagementResponses.text(String(decoding: body, as: UTF8.self), contentType: "text/plain; version=0.0.4")
    }

    private func registerAuth(on router: Router<BasicRequestContext>) {
        router.post("/v0/auth/login") { request, _ -> Response in
            var request = request
            do {
                let body = try await request.jsonObject()
                let presented = body["admin_key"]?.stringValue ?? ""
                guard let adminKey = context.stateBox.current.config.server.adminKey, !adminKey.isEmpty else {
                    throw ManagementError(.adminDisabled, "the management API is off: set server.admin_key")
                }
                guard AdminAuth.matches(presented, adminKey) else {
                    throw ManagementError(.unauthorized, "invalid admin key")
                }
                let token = context.sessions.create()
                var headers = HTTPFields()
                headers[.setCookie] =
                    "\(SessionStore.cookieName)=\(token); HttpOnly; SameSite=Strict; Path=/; Max-Age=\(Int(SessionStore.lifetime))"
                return ManagementResponses.json(["authenticated": true], headers: headers)
            } catch let error as ManagementError {
                return ManagementResponses.error(error)
            }
        }
        router.post("/v0/auth/logout") { request, _ -> Response in
            if let token = AdminAuth.cookie(request, named: SessionStore.cookieName) { context.sessions.remove(token) }
            var headers = HTTPFields()
            headers[.setCookie] = "\(SessionStore.cookieName)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
            return ManagementResponses.json(["authenticated": false], headers: headers)
        }
        router.get("/v0/openapi.json") { _, _ in
            ManagementResponses.text(OpenAPIDocument.json, contentType: "application/json")
        }
        router.get("/v0/auth/session") { request, _ -> Response in
            let token = AdminAuth.cookie(request, named: SessionStore.cookieName)
            return ManagementResponses.json([
                "authenticated": .bool(token.map { context.sessions.isValid($0) } ?? false)
            ])
        }
    }
}

/// Runs a management handler, rendering its error at the edge.
func managed(_ body: () async throws(ManagementError) -> Response) async -> Response {
    do {
        return try await body()
    } catch {
        return ManagementResponses.error(error)
    }
}
