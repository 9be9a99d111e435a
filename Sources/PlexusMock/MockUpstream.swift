import PlexusCore

/// A fake LLM provider speaking OpenAI Chat Completions, OpenAI Responses, Anthropic Messages and Gemini,
/// transport-free; it embeds
/// too (OpenAI `/embeddings`, Gemini `:embedContent` / `:batchEmbedContents`, see `MockEmbeddings`).
///
/// Behaviour comes from the model name and the `x-mock-behavior` header (see `MockBehavior.parse`).
/// `MockServer` puts it on a real socket; the gateway can also call `handle(_:)` in process.
public struct MockUpstream: Sendable {
    /// Counters and timings for tests.
    public let stats: MockStats
    /// Mints and verifies this instance's thinking signatures.
    public let signer: MockSigner

    /// `secret` keys the signatures; without one, each instance gets its own random secret.
    public init(secret: String? = nil, stats: MockStats = MockStats()) {
        self.stats = stats
        signer = MockSigner(secret: secret ?? "mock-\(UInt64.random(in: .min ... .max))")
    }

    /// Answers one request; see `MockError` for the two transport instructions it may throw.
    public func handle(_ request: MockRequest) async throws -> MockResponse {
        let route = MockRoute(method: request.method, target: request.path, headers: request)
        var response = try await dispatch(route, request)
        // OpenAI names every Responses answer, refusals included (generation names its own from the script).
        if route.isResponses, response.header("x-request-id") == nil {
            response.headers.append(
                ("x-request-id", "req_" + MockHash.token(MockHash.hash64(request.body) ^ 0x5EED, length: 24)))
        }
        return response
    }

    private func dispatch(_ route: MockRoute, _ request: MockRequest) async throws -> MockResponse {
        switch route {
        case .chatCompletions:
            return try await generate(request) { body throws(PlexusError) in try MockOpenAI.generation(from: body) }
        case .messages:
            return try await generate(request) { body throws(PlexusError) in try MockAnthropic.generation(from: body) }
        case .responses:
            return try await generate(request) { body throws(PlexusError) in try MockResponses.generation(from: body) }
        case .responsesInputTokens:
            return countTokens(request, proto: .responses)
        case .storedResponse(let id):
            stats.recordRequest(model: nil, body: [])
            let refusal = MockResponses.Refusal(
                status: 404, message: "Response with id '\(id)' not found.", param: nil, code: nil)
            return Self.json(refusal.status, refusal.json.serialized())
        case .geminiGenerate(let model):
            return try await generate(request, framing: .jsonArray) { body throws(PlexusError) in
                try MockGemini.generation(from: body, model: model, stream: false)
            }
        case .geminiStream(let model, let sse):
            return try await generate(request, framing: sse ? .sse : .jsonArray) { body throws(PlexusError) in
                try MockGemini.generation(from: body, model: model, stream: true)
            }
        case .messagesCountTokens:
            return countTokens(request, proto: .messages)
        case .geminiCountTokens(let model):
            return countTokens(request, proto: .gemini, model: model)
        case .embeddings:
            return try await openAIEmbeddings(request)
        case .geminiEmbed(let model, let batch):
            return try await geminiEmbeddings(request, model: model, batch: batch)
        case .listModels(let proto):
            stats.recordRequest(model: nil, body: [])
            return Self.json(200, modelList(proto))
        case .health:
            return Self.json(200, Array("{\"status\":\"ok\"}".utf8))
        case .stats:
            // Not counted itself: a test reads the counters without changing them.
            return Self.json(200, await stats.snapshot().json.serialized())
        case .statsReset:
            await stats.reset()
            return Self.json(200, Array("{\"status\":\"ok\"}".utf8))
        case .notFound(let proto):
            stats.recordRequest(model: nil, body: [])
            let (path, _) = MockRoute.split(request.path)
            return Self.error(
                PlexusError(.notFound, "Unknown request URL: \(request.method) \(path)"), proto, code: "unknown_url")
        }
    }

    /// True when this instance minted `signature` (of any kind: Anthropic, Gemini, a Responses reasoning item's
    /// final `encrypted_content`) and its bytes are unaltered.
    public func verifySignature(_ signature: String) -> Bool {
        if MockResponses.verifyEncrypted(signature, signer: signer) == .valid { return true }
        return [MockSigner.Purpose.anthropicThinking, .anthropicRedacted, .geminiPart].contains {
            signer.verify(signature, purpose: $0, content: nil) == .valid
        }
    }

    private func modelList(_ proto: APIProtocol) -> [UInt8] {
        switch proto {
        case .chat, .embeddings, .responses: MockOpenAI.modelList(MockModels.names)
        case .messages: MockAnthropic.modelList(MockModels.names)
        case .gemini: MockGemini.modelList(MockModels.names)
        }
    }

    /// Anthropic `count_tokens`, Gemini `countTokens` and Responses `input_tokens`, with the same estimate
    /// generation reports.
    private func countTokens(_ request: MockRequest, proto: APIProtocol, model: String? = nil) -> MockResponse {
        let body: JSONValue
        do { body = try JSONValue(parsing: request.body) } catch {
            return Self.error(PlexusError(.invalidRequest, "Invalid JSON body: \(error)"), proto)
        }
        switch proto {
        case .messages:
            do {
                let gen = try MockAnthropic.generation(from: body, requireMaxTokens: false)
                stats.recordRequest(model: gen.model, body: request.body)
                return Self.json(200, MockAnthropic.countTokensBody(gen.inputTokens))
            } catch { return Self.error(error, proto) }
        case .responses:
            do {
                let gen = try MockResponses.generation(from: body)
                stats.recordRequest(model: gen.model, body: request.body)
                return Self.json(200, MockResponses.inputTokensBody(gen.inputTokens))
            } catch { return Self.error(error, proto) }
        case .gemini, .chat, .embeddings:
            stats.recordRequest(model: model, body: request.body)
            // countTokens takes `contents` or a whole `generateContentRequest`.
            let inner = MockGemini.field(body, "generateContentRequest", "generate_content_request") ?? body
            return Self.json(200, MockGemini.countTokensBody(MockTokenEstimate.inputTokens(of: inner)))
        }
    }

    static func json(_ status: Int, _ body: [UInt8], extra: [(String, String)] = []) -> MockResponse {
        MockResponse(status: status, headers: [("content-type", "application/json")] + extra, body: .bytes(body))
    }

    /// An error in the protocol's own shape (Responses: written by `MockResponses`, not PlexusCore).
    static func error(
        _ error: PlexusError, _ proto: APIProtocol, code: String? = nil,
        extra: [(String, String)] = []
    ) -> MockResponse {
        if proto == .responses {
            return Self.json(error.httpStatus, MockResponses.errorJSON(error, code: code).serialized(), extra: extra)
        }
        var json = error.json(for: proto)
        if let code, proto == .chat, case .object(var outer) = json, case .object(var inner)? = outer["error"] {
            inner["code"] = .string(code)
            outer["error"] = .object(inner)
            json = .object(outer)
        }
        return Self.json(error.httpStatus, json.serialized(), extra: extra)
    }
}
