import Hummingbird
import NIOCore

/// What the connection loop asks for each request.
protocol GatewayResponder: Sendable {
    /// `wholeBody`, when given, is the request's body already collected.
    func answer(_ request: Request, wholeBody: ByteBuffer?, context: BasicRequestContext) async throws -> GatewayAnswer
}

/// Sends the hot inference POSTs straight to their handlers and everything else to the router: resolving a path
/// in Hummingbird's trie cost about 11k instructions per request. Only exact paths take the short cut; any other
/// spelling (trailing slash, other method, Gemini's `MODEL/…`) goes through the router and answers as before.
/// (An `HTTPResponder` too: Hummingbird's `Application` wants one, though our channel asks `answer`.)
struct InferenceResponder: GatewayResponder, HTTPResponder {
    let routes: InferenceRoutes
    let router: RouterResponder<BasicRequestContext>

    static let geminiPrefixes = ["/v1beta/models/", "/v1/models/"]

    func answer(_ request: Request, wholeBody: ByteBuffer?, context: BasicRequestContext) async throws -> GatewayAnswer {
        if request.method == .post {
            let path = request.uri.path
            let engine = routes.engine
            switch path {
            case "/v1/chat/completions": return await engine.handle(request, wholeBody: wholeBody, proto: .chat)
            case "/v1/messages": return await engine.handle(request, wholeBody: wholeBody, proto: .messages)
            default:
                if let action = Self.geminiAction(path) {
                    return await routes.gemini(request, wholeBody: wholeBody, action: action)
                }
            }
        }
        return .response(try await router.respond(to: request, context: context))
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        try await answer(request, wholeBody: nil, context: context).response
    }

    /// The `{action}` of `/v1beta/models/{action}` or `/v1/models/{action}` when it is one plain path component,
    /// as the router would capture it.
    static func geminiAction(_ path: String) -> String? {
        for prefix in geminiPrefixes where path.utf8.starts(with: prefix.utf8) {
            let action = path.utf8.dropFirst(prefix.utf8.count)
            guard !action.isEmpty, !action.contains(UInt8(ascii: "/")) else { return nil }
            return String(Substring(action))
        }
        return nil
    }
}
