import PlexusCore

/// OpenAI `POST /v1/embeddings` and Gemini `:embedContent` / `:batchEmbedContents`, read and written here with
/// plain JSON (not the gateway's wire types), so the mock checks the gateway's bytes rather than agreeing with its
/// code. The model name's behaviour applies as for generation: `mock:fail=503`, `ttft=…`, `reset`, `stall`.
extension MockUpstream {
    /// `{"model", "input", "dimensions"?, "encoding_format"?}`: vectors in input order, usage in words.
    func openAIEmbeddings(_ request: MockRequest) async throws -> MockResponse {
        guard case .object(let body)? = try? JSONValue(parsing: request.body), let model = body["model"]?.stringValue,
            let inputs = Self.openAIInputs(body["input"])
        else {
            stats.recordRequest(model: nil, body: request.body)
            return Self.error(PlexusError(.invalidRequest, "'input' and 'model' are required", param: "input"), .chat)
        }
        stats.recordRequest(model: model, body: request.body)
        if let early = try await embeddingsFault(request, model: model, proto: .chat) { return early }
        let dimensions = body["dimensions"]?.intValue ?? MockEmbeddings.defaultDimensions
        let base64 = body["encoding_format"]?.stringValue == "base64"
        let data: [JSONValue] = inputs.enumerated().map { i, text in
            let vector = MockEmbeddings.vector(for: text, dimensions: dimensions)
            let embedding: JSONValue =
                base64 ? .string(MockEmbeddings.base64(vector)) : .array(vector.map { .number(Double($0)) })
            return ["object": "embedding", "index": .number(Double(i)), "embedding": embedding]
        }
        let tokens = Double(inputs.reduce(0) { $0 + MockEmbeddings.tokens(of: $1) })
        let answer: JSONValue = [
            "object": "list", "data": .array(data), "model": .string(model),
            "usage": ["prompt_tokens": .number(tokens), "total_tokens": .number(tokens)],
        ]
        return Self.json(200, answer.serialized())
    }

    /// The texts of `input`: a string, strings, token ids, or lists of them (ids embedded as `tokens:1,2,3`).
    static func openAIInputs(_ input: JSONValue?) -> [String]? {
        switch input {
        case .string(let s)?: return [s]
        case .array(let items)? where !items.isEmpty:
            let texts = items.compactMap(\.stringValue)
            if texts.count == items.count { return texts }
            let ids = items.compactMap(\.intValue)
            if ids.count == items.count { return [MockEmbeddings.text(ofTokens: ids)] }
            let lists = items.compactMap { $0.arrayValue?.compactMap(\.intValue) }
            guard lists.count == items.count else { return nil }
            return lists.map(MockEmbeddings.text(ofTokens:))
        default: return nil
        }
    }

    /// `:batchEmbedContents` (every entry's `model` must be the URL's, as Google checks) or `:embedContent`.
    func geminiEmbeddings(_ request: MockRequest, model: String, batch: Bool) async throws -> MockResponse {
        guard case .object(let body)? = try? JSONValue(parsing: request.body) else {
            stats.recordRequest(model: nil, body: request.body)
            return Self.error(PlexusError(.invalidRequest, "Invalid JSON payload received."), .gemini)
        }
        stats.recordRequest(model: model, body: request.body)
        let entries = batch ? body["requests"]?.arrayValue ?? [] : [.object(body)]
        if let problem = Self.geminiProblem(entries, model: model, batch: batch) { return Self.error(problem, .gemini) }
        if let early = try await embeddingsFault(request, model: model, proto: .gemini) { return early }
        let vectors: [JSONValue] = entries.map { entry in
            let dimensions = entry["outputDimensionality"]?.intValue ?? MockEmbeddings.defaultDimensions
            let vector = MockEmbeddings.vector(
                for: MockEmbeddings.text(ofContent: entry["content"] ?? .null),
                dimensions: dimensions)
            return ["values": .array(vector.map { .number(Double($0)) })]
        }
        let answer: JSONValue = batch ? ["embeddings": .array(vectors)] : ["embedding": vectors[0]]
        return Self.json(200, answer.serialized())
    }

    /// What Google's API would refuse: no entries, an entry without text, a batch entry for another model.
    static func geminiProblem(_ entries: [JSONValue], model: String, batch: Bool) -> PlexusError? {
        guard !entries.isEmpty else {
            return PlexusError(.invalidRequest, "* BatchEmbedContentsRequest.requests: required")
        }
        for (i, entry) in entries.enumerated() {
            if MockEmbeddings.text(ofContent: entry["content"] ?? .null).isEmpty {
                return PlexusError(.invalidRequest, "requests[\(i)].content: no text to embed")
            }
            if batch, entry["model"]?.stringValue != "models/" + model {
                return PlexusError(
                    .invalidRequest,
                    "requests[\(i)].model '\(entry["model"]?.stringValue ?? "")' does not match the URL's 'models/\(model)'"
                )
            }
        }
        return nil
    }

    /// The model's fault (status, reset, stall) and its delay before the answer.
    private func embeddingsFault(_ request: MockRequest, model: String, proto: APIProtocol) async throws
        -> MockResponse?
    {
        let header = request.header("x-mock-behavior")
        let behavior: MockBehavior
        do { behavior = try MockBehavior.parse(model: model, header: header) } catch {
            return Self.error(PlexusError(.invalidRequest, error.message), proto)
        }
        let fault = activeFault(behavior, key: model + "|" + (header ?? ""))
        if let early = try await applyHeadFault(fault, proto, behavior) { return early }
        try await waitOrRecordCancel(.milliseconds(behavior.ttftMilliseconds))
        return nil
    }
}
