extension OpenAI {
    /// The body of `POST /v1/embeddings`, from a client or for an OpenAI-shaped upstream (`{base}/embeddings`).
    public struct EmbeddingsRequest: Sendable, Equatable {
        /// `input` in each form OpenAI takes.
        public enum Input: Sendable, Equatable {
            case text(String)
            case texts([String])
            case tokens([Int])
            case tokenLists([[Int]])
        }

        public var model: String
        public var input: Input
        public var dimensions: Int?
        public var encodingFormat: IR.EmbeddingEncoding?
        public var user: String?

        public init(
            model: String, input: Input, dimensions: Int? = nil, encodingFormat: IR.EmbeddingEncoding? = nil,
            user: String? = nil
        ) {
            self.model = model
            self.input = input
            self.dimensions = dimensions
            self.encodingFormat = encodingFormat
            self.user = user
        }

        /// Parses and checks a client's body; every error is a 400 naming the field.
        public init(parsing body: [UInt8]) throws(PlexusError) {
            let o = try JSONInput.object(body)
            guard let model = o["model"]?.stringValue, !model.isEmpty else {
                throw .invalid("missing required field 'model'", param: "model")
            }
            guard let input = o["input"] else { throw .invalid("missing required field 'input'", param: "input") }
            self.model = model
            self.input = try Self.input(input)
            dimensions = try Self.positiveInt(o["dimensions"], field: "dimensions")
            encodingFormat = try Self.encoding(o["encoding_format"])
            user = o["user"]?.stringValue
        }

        static func input(_ value: JSONValue) throws(PlexusError) -> Input {
            if case .string(let s) = value { return .text(s) }
            let shape = "'input' must be a string, an array of strings, an array of token ids, or an array of those"
            guard case .array(let items) = value else { throw .invalid(shape, param: "input") }
            guard let first = items.first else { throw .invalid("'input' must not be empty", param: "input") }
            switch first {
            case .string:
                return .texts(try elements(items, "a string") { $0.stringValue })
            case .number:
                return .tokens(try elements(items, "a token id") { tokenID($0) })
            case .array:
                return .tokenLists(
                    try elements(items, "an array of token ids") { list in
                        guard case .array(let ids) = list, !ids.isEmpty else { return nil }
                        let tokens = ids.compactMap(tokenID)
                        return tokens.count == ids.count ? tokens : nil
                    })
            default:
                throw .invalid(shape, param: "input")
            }
        }

        /// Each element converted, or a 400 naming the first that is not like the first.
        private static func elements<T>(
            _ items: [JSONValue], _ what: String, _ convert: (JSONValue) -> T?
        ) throws(PlexusError) -> [T] {
            var out: [T] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let value = convert(item) else {
                    throw .invalid("'input[\(i)]' must be \(what), like the first element", param: "input[\(i)]")
                }
                out.append(value)
            }
            return out
        }

        private static func tokenID(_ value: JSONValue) -> Int? {
            guard let id = value.intValue, id >= 0 else { return nil }
            return id
        }

        static func positiveInt(_ value: JSONValue?, field: String) throws(PlexusError) -> Int? {
            guard let value, !value.isNull else { return nil }
            guard let n = value.intValue, n > 0 else {
                throw .invalid("'\(field)' must be a positive integer", param: field)
            }
            return n
        }

        static func encoding(_ value: JSONValue?) throws(PlexusError) -> IR.EmbeddingEncoding? {
            guard let value, !value.isNull else { return nil }
            guard let name = value.stringValue, let encoding = IR.EmbeddingEncoding(rawValue: name) else {
                throw .invalid("'encoding_format' must be 'float' or 'base64'", param: "encoding_format")
            }
            return encoding
        }
    }
}

extension OpenAI.EmbeddingsRequest {
    /// The canonical request: one input per text or token array, in order.
    public var ir: IR.EmbeddingsRequest {
        let contents: [(IR.EmbeddingContent, String)] =
            switch input {
            case .text(let s): [(.text(s), "input")]
            case .texts(let texts): texts.enumerated().map { (.text($1), "input[\($0)]") }
            case .tokens(let ids): [(.tokens(ids), "input")]
            case .tokenLists(let lists): lists.enumerated().map { (.tokens($1), "input[\($0)]") }
            }
        return IR.EmbeddingsRequest(
            model: model, inputs: contents.map { IR.EmbeddingInput($0.0, field: $0.1, dimensions: dimensions) },
            encoding: encodingFormat ?? .float, user: user)
    }

    /// The body for an OpenAI-shaped upstream. It asks for base64 (a quarter of the bytes, and exact float32);
    /// a target that answers floats anyway is read as well. Throws a 400 naming an input or option this API
    /// cannot take.
    public init(_ request: IR.EmbeddingsRequest, model: String) throws(PlexusError) {
        var texts: [String] = []
        var lists: [[Int]] = []
        for input in request.inputs {
            if let title = input.title, !title.isEmpty {
                throw .unsupported(input.param("title"), target: .embeddings, detail: "it is embedded with the text")
            }
            switch input.content {
            case .text(let s): texts.append(s)
            case .tokens(let ids): lists.append(ids)
            case .geminiContent(let content): texts.append(try Self.joinedText(content, input: input))
            }
        }
        guard texts.isEmpty || lists.isEmpty else {
            throw .invalid("text and token-id inputs cannot be mixed in one OpenAI embeddings call", param: "input")
        }
        self.init(
            model: model, input: lists.isEmpty ? .texts(texts) : .tokenLists(lists),
            dimensions: try Self.sharedDimensions(request.inputs), encodingFormat: .base64, user: request.user)
    }

    /// A Gemini content's text parts as one text (newline-joined); media has no OpenAI form.
    private static func joinedText(_ content: JSONValue, input: IR.EmbeddingInput) throws(PlexusError) -> String {
        let parts = content.g("parts")?.arrayValue ?? []
        let texts = Gemini.textParts(of: content)
        guard texts.count == parts.count else {
            throw .unsupported(
                "\(input.field).parts", target: .embeddings, detail: "only text parts can be embedded there")
        }
        return texts.joined(separator: "\n")
    }

    /// OpenAI takes one `dimensions` for the whole call.
    private static func sharedDimensions(_ inputs: [IR.EmbeddingInput]) throws(PlexusError) -> Int? {
        let first = inputs.first?.dimensions
        if let other = inputs.first(where: { $0.dimensions != first }) {
            throw .unsupported(
                other.param("outputDimensionality"), target: .embeddings,
                detail: "one vector length applies to every input; send separate calls")
        }
        return first
    }

    /// The wire body.
    public var json: JSONValue {
        var o = JSONObject()
        o["model"] = .string(model)
        o["input"] =
            switch input {
            case .text(let s): .string(s)
            case .texts(let texts): .array(texts.map(JSONValue.string))
            case .tokens(let ids): .array(ids.map { .number(Double($0)) })
            case .tokenLists(let lists): .array(lists.map { .array($0.map { .number(Double($0)) }) })
            }
        o.set("encoding_format", encodingFormat?.rawValue)
        o.set("dimensions", dimensions)
        o.set("user", user)
        return .object(o)
    }
}

extension IR.EmbeddingInput {
    /// The client's name for one of this input's options: `requests[1].title` for a batch entry, `title` alone
    /// for a single content or an OpenAI input.
    public func param(_ option: String) -> String {
        guard field.hasSuffix(".content") else { return option }
        return String(field.dropLast("content".count)) + option
    }
}
