import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusRouting

/// The client-facing routes of API.md.
struct InferenceRoutes {
    let engine: ProxyEngine

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/chat/completions") { request, _ in
            await engine.handle(ClientCall(request), proto: .chat).routerResponse()
        }
        router.post("/v1/messages") { request, _ in
            await engine.handle(ClientCall(request), proto: .messages).routerResponse()
        }
        router.post("/v1/messages/count_tokens") { request, _ in
            await countTokens(request, proto: .messages)
        }
        // Google serves generateContent under v1beta and v1; google-genai uses v1 with a custom base URL.
        for prefix in ["/v1beta/models/{action}", "/v1/models/{action}"] {
            router.post(RouterPath(prefix)) { request, context in
                await gemini(ClientCall(request), action: context.parameters.get("action") ?? "").routerResponse()
            }
        }
        router.get("/v1beta/models") { request, _ in
            ModelList(engine: engine).response(request, proto: .gemini)
        }
        router.get("/v1/models") { request, _ in
            let proto: APIProtocol = request.headers[HTTPField.Name("anthropic-version")!] != nil ? .messages : .chat
            return ModelList(engine: engine).response(request, proto: proto)
        }
    }

    /// Dispatches `MODEL:generateContent`, `:streamGenerateContent` and `:countTokens`.
    func gemini(_ call: ClientCall, action: String) async -> GatewayAnswer {
        guard let colon = action.lastIndex(of: ":") else {
            return .response(HTTPResponses.error(PlexusError(.notFound, "unknown Gemini method in '\(action)'"),
                                       for: .gemini, requestID: ProxyEngine.newRequestID()))
        }
        let model = String(action[..<colon])
        switch action[action.index(after: colon)...] {
        case "generateContent":
            return await engine.handle(call, proto: .gemini, pathModel: model, pathStream: false)
        case "streamGenerateContent":
            let sse = call.query("alt") == "sse"
            return await engine.handle(call, proto: .gemini, pathModel: model, pathStream: true, geminiArray: !sse)
        case "countTokens":
            return .response(await countTokens(call, proto: .gemini))
        default:
            return .response(HTTPResponses.error(PlexusError(.notFound, "unknown Gemini method '\(action)'"),
                                                 for: .gemini, requestID: ProxyEngine.newRequestID()))
        }
    }

    /// A token estimate (about 4 bytes a token); the `x-plexus-token-estimate` header says it is one.
    func countTokens(_ request: Request, proto: APIProtocol) async -> Response {
        await countTokens(ClientCall(request), proto: proto)
    }

    func countTokens(_ call: ClientCall, proto: APIProtocol) async -> Response {
        let snapshot = engine.state.current
        let id = ProxyEngine.newRequestID()
        guard let secret = ClientCredentials.secret(from: call),
              snapshot.keys.key(forSecret: secret, now: Date()) != nil
        else {
            return HTTPResponses.error(PlexusError(.authentication, "missing or invalid API key"), for: proto, requestID: id)
        }
        guard let body = try? await call.collectBody(upTo: snapshot.config.server.maxBodyBytes),
              (try? JSONValue(parsing: body.readableBytesView)) != nil
        else {
            return HTTPResponses.error(PlexusError(.invalidRequest, "the body must be a JSON object"), for: proto, requestID: id)
        }
        let estimate = max(1, body.readableBytes / 4)
        let json: JSONValue = proto == .gemini ? ["totalTokens": .number(Double(estimate))]
            : ["input_tokens": .number(Double(estimate))]
        var h = HTTPFields()
        h[HTTPResponses.requestID] = id
        h[HTTPField.Name("x-plexus-token-estimate")!] = "true"
        return HTTPResponses.json(json.serialized(), status: 200, headers: h)
    }
}
