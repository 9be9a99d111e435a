extension Gemini {
    /// The body of `models/M:embedContent`, and one entry of a `:batchEmbedContents` call.
    /// Field names are read in camelCase or snake_case (protobuf JSON), written in camelCase.
    public struct EmbedContentRequest: Sendable, Equatable {
        /// `models/M`: required on batch entries, optional on a single call (the path names the model).
        public var model: String?
        /// A `Content`: `{"parts": [{"text": …}, …]}`.
        public var content: JSONValue
        public var taskType: String?
        public var title: String?
        public var outputDimensionality: Int?

        public init(
            model: String? = nil, content: JSONValue, taskType: String? = nil, title: String? = nil,
            outputDimensionality: Int? = nil
        ) {
            self.model = model
            self.content = content
            self.taskType = taskType
            self.title = title
            self.outputDimensionality = outputDimensionality
        }

        /// Reads one request object; `path` prefixes the fields errors name (`requests[1].`).
        public init(json: JSONValue, path: String = "") throws(PlexusError) {
            guard case .object = json else {
                throw .invalid("'\(path.dropLast())' must be an object", param: String(path.dropLast()))
            }
            guard let content = json.g("content"), let parts = content.g("parts")?.arrayValue else {
                throw .invalid("missing required field '\(path)content.parts'", param: "\(path)content")
            }
            guard !parts.isEmpty else {
                throw .invalid("'\(path)content.parts' must not be empty", param: "\(path)content.parts")
            }
            model = json.g("model")?.stringValue
            self.content = content
            taskType = json.g("taskType")?.stringValue
            title = json.g("title")?.stringValue
            outputDimensionality = try OpenAI.EmbeddingsRequest.positiveInt(
                json.g("outputDimensionality"), field: "\(path)outputDimensionality")
        }

        /// The canonical input: a single text part as text, anything else as the content itself.
        func input(field: String) -> IR.EmbeddingInput {
            let parts = content.g("parts")?.arrayValue ?? []
            let texts = Gemini.textParts(of: content)
            let single: IR.EmbeddingContent =
                parts.count == 1 && texts.count == 1 ? .text(texts[0]) : .geminiContent(content)
            return IR.EmbeddingInput(
                single, field: field, dimensions: outputDimensionality, taskType: taskType, title: title)
        }

        /// One entry for the model `models/M`, from a canonical input; token ids have no Gemini form.
        init(_ input: IR.EmbeddingInput, model: String) throws(PlexusError) {
            let content: JSONValue =
                switch input.content {
                case .text(let s): ["parts": [["text": .string(s)]]]
                case .geminiContent(let c): c
                case .tokens:
                    throw .unsupported(
                        input.field, target: .gemini, detail: "token ids cannot be embedded by Gemini; send text")
                }
            self.init(
                model: model, content: content, taskType: input.taskType, title: input.title,
                outputDimensionality: input.dimensions)
        }

        public var json: JSONValue {
            var o = JSONObject()
            o.set("model", model)
            o["content"] = content
            o.set("taskType", taskType)
            o.set("title", title)
            o.set("outputDimensionality", outputDimensionality)
            return .object(o)
        }
    }

    /// The body of `models/M:batchEmbedContents`: the requests, answered in the same order.
    public struct BatchEmbedContentsRequest: Sendable, Equatable {
        public var requests: [EmbedContentRequest]

        public init(requests: [EmbedContentRequest]) {
            self.requests = requests
        }

        /// Parses and checks a client's body; every error is a 400 naming the field.
        public init(parsing body: [UInt8]) throws(PlexusError) {
            let o = try JSONInput.object(body)
            guard let items = o["requests"]?.arrayValue else {
                throw .invalid("missing required field 'requests'", param: "requests")
            }
            guard !items.isEmpty else { throw .invalid("'requests' must not be empty", param: "requests") }
            var requests: [EmbedContentRequest] = []
            requests.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                requests.append(try EmbedContentRequest(json: item, path: "requests[\(i)]."))
            }
            self.requests = requests
        }

        /// The canonical request; each entry's own `model` is the path's model in Google's API and is not read.
        public func ir(model: String) -> IR.EmbeddingsRequest {
            IR.EmbeddingsRequest(
                model: model,
                inputs: requests.enumerated().map { i, r in
                    r.input(field: "requests[\(i)].content")
                })
        }

        /// The upstream body for `model`: one entry per input, each naming `models/MODEL` as Google requires.
        public init(_ request: IR.EmbeddingsRequest, model: String) throws(PlexusError) {
            let name = "models/" + model
            var requests: [EmbedContentRequest] = []
            requests.reserveCapacity(request.inputs.count)
            for input in request.inputs { requests.append(try EmbedContentRequest(input, model: name)) }
            self.init(requests: requests)
        }

        public var json: JSONValue { ["requests": .array(requests.map(\.json))] }
    }
}

extension Gemini.EmbedContentRequest {
    /// Parses and checks the body of a client's `:embedContent`.
    public init(parsing body: [UInt8]) throws(PlexusError) {
        try self.init(json: .object(try JSONInput.object(body)))
    }

    /// The canonical request of a single `:embedContent` call.
    public func ir(model: String) -> IR.EmbeddingsRequest {
        IR.EmbeddingsRequest(model: model, inputs: [input(field: "content")])
    }
}

extension Gemini {
    /// The texts of a content's text parts, in order (other parts skipped).
    static func textParts(of content: JSONValue) -> [String] {
        (content.g("parts")?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
    }
}
