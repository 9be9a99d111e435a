import Hummingbird

/// Sends the hot inference POSTs straight to their handlers and everything else to the router: resolving a path
/// in Hummingbird's trie cost about 11k instructions per request. Only exact paths take the short cut; any other
/// spelling (trailing slash, other method, Gemini's `MODEL/…`) goes through the router and answers as before.
struct InferenceResponder: HTTPResponder {
    let routes: InferenceRoutes
    let router: RouterResponder<BasicRequestContext>

    static let geminiPrefixes = ["/v1beta/models/", "/v1/models/"]

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        if request.method == .post {
            let path = request.uri.path
            switch path {
            case "/v1/chat/completions": return await routes.engine.handle(request, proto: .chat)
            case "/v1/messages": return await routes.engine.handle(request, proto: .messages)
            default:
                if let action = Self.geminiAction(path) { return await routes.gemini(request, action: action) }
            }
        }
        return try await router.respond(to: request, context: context)
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
