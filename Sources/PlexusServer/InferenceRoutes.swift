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
        for path in ["/v1/responses", "/v1/codex/responses"] {
            router.post(RouterPath(path)) { request, _ in
                await engine.handle(ClientCall(request), proto: .responses).routerResponse()
            }
        }
        ResponsesRoutes(engine: engine).register(on: router)
        router.post("/v1/embeddings") { request, _ in
            await engine.handle(ClientCall(request), proto: .embeddings, embeddings: .openAI).routerResponse()
        }
        router.post("/v1/messages/count_tokens") { request, _ in
            await TokenCounter(engine: engine).response(ClientCall(request), proto: .messages, pathModel: nil)
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

    /// Dispatches `MODEL:generateContent`, `:streamGenerateContent`, `:countTokens`, `:embedContent` and
    /// `:batchEmbedContents`.
    func gemini(_ call: ClientCall, action: String) async -> GatewayAnswer {
        guard let colon = action.lastIndex(of: ":") else {
            return .response(
                HTTPResponses.error(
                    PlexusError(.notFound, "unknown Gemini method in '\(action)'"),
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
            return .response(await TokenCounter(engine: engine).response(call, proto: .gemini, pathModel: model))
        case "embedContent":
            return await engine.handle(call, proto: .gemini, pathModel: model, embeddings: .geminiEmbedContent)
        case "batchEmbedContents":
            return await engine.handle(call, proto: .gemini, pathModel: model, embeddings: .geminiBatch)
        default:
            return .response(
                HTTPResponses.error(
                    PlexusError(.notFound, "unknown Gemini method '\(action)'"),
                    for: .gemini, requestID: ProxyEngine.newRequestID()))
        }
    }
}
