import Hummingbird
import Logging
import NIOCore
import PlexusHTTP

/// What the connection loop asks for each request.
protocol GatewayResponder: Sendable {
    /// `wholeBody`, when given, is the request's body already collected; `keyMemo` is the connection's.
    func answer(
        _ head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, keyMemo: KeyMemo, channel: any Channel,
        logger: Logger
    ) async throws -> GatewayAnswer
}

/// Sends the hot inference POSTs straight to their handlers, from the raw head, and everything else to the router
/// as a Hummingbird request: resolving a path in Hummingbird's trie cost about 11k instructions per request, and
/// building the request's `HTTPFields` about 2k per field. Only exact paths take the short cut; any other spelling
/// (trailing slash, other method, Gemini's `MODEL/…`) goes through the router and answers as before.
///
/// (An `HTTPResponder` too: Hummingbird's `Application` wants one, though our channel asks `answer`.)
struct InferenceResponder: GatewayResponder, HTTPResponder {
    let routes: InferenceRoutes
    let router: RouterResponder<BasicRequestContext>

    static let geminiPrefixes = ["/v1beta/models/", "/v1/models/"]

    func answer(
        _ head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, keyMemo: KeyMemo, channel: any Channel,
        logger: Logger
    ) async throws -> GatewayAnswer {
        // Only browsers send Origin; API clients skip the CORS step entirely.
        if let origin = head.fields.value(lowercase: "origin"), CORS.isInference(head.path) {
            return try await answerCrossOrigin(
                origin, head, body: body, wholeBody: wholeBody, keyMemo: keyMemo,
                channel: channel, logger: logger)
        }
        return try await answerSameOrigin(
            head, body: body, wholeBody: wholeBody, keyMemo: keyMemo, channel: channel,
            logger: logger)
    }

    /// A browser's request to an inference route: the preflight, or the answer with the CORS headers of an
    /// origin `server.cors_origins` allows.
    private func answerCrossOrigin(
        _ origin: String, _ head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, keyMemo: KeyMemo,
        channel: any Channel, logger: Logger
    ) async throws -> GatewayAnswer {
        let cors = CORS(origins: routes.engine.state.current.config.server.corsOrigins)
        if head.method == .options {
            let requested = head.fields.value(lowercase: "access-control-request-headers")
            return .response(cors.preflight(origin: origin, requestedHeaders: requested))
        }
        let answer = try await answerSameOrigin(
            head, body: body, wholeBody: wholeBody, keyMemo: keyMemo, channel: channel, logger: logger)
        guard let allowed = cors.allow(origin) else { return answer }
        var response = answer.routerResponse()
        CORS.decorate(&response, allowed: allowed)
        return .response(response)
    }

    private func answerSameOrigin(
        _ head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, keyMemo: KeyMemo, channel: any Channel,
        logger: Logger
    ) async throws -> GatewayAnswer {
        if head.method == .post {
            let path = head.path
            let engine = routes.engine
            let call = { ClientCall(head: head, body: body, wholeBody: wholeBody, keyMemo: keyMemo) }
            switch path {
            case "/v1/chat/completions": return await engine.handle(call(), proto: .chat)
            case "/v1/messages": return await engine.handle(call(), proto: .messages)
            case "/v1/responses", "/v1/codex/responses": return await engine.handle(call(), proto: .responses)
            case "/v1/embeddings": return await engine.handle(call(), proto: .embeddings, embeddings: .openAI)
            default:
                if let action = Self.geminiAction(path) { return await routes.gemini(call(), action: action) }
            }
        }
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        return .response(try await router.respond(to: Request(head: head.request, body: body), context: context))
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }

    /// The `{action}` of `/v1beta/models/{action}` or `/v1/models/{action}` when it is one plain path component,
    /// as the router would capture it.
    static func geminiAction(_ path: some StringProtocol) -> String? {
        for prefix in geminiPrefixes where path.utf8.starts(with: prefix.utf8) {
            let action = path.utf8.dropFirst(prefix.utf8.count)
            guard !action.isEmpty, !action.contains(UInt8(ascii: "/")) else { return nil }
            return String(decoding: action, as: UTF8.self)
        }
        return nil
    }
}
