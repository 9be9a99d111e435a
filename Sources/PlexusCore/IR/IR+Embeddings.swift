extension IR {
    /// An embeddings request in canonical form: the inputs in the client's order, each with its own options
    /// (Gemini sets them per request of a batch; OpenAI once for all).
    public struct EmbeddingsRequest: Sendable, Hashable {
        public var model: String
        public var inputs: [EmbeddingInput]
        /// The vector form the client wants back (OpenAI `encoding_format`; Gemini clients always get floats).
        public var encoding: EmbeddingEncoding
        /// End-user id (OpenAI `user`); no other protocol has one, and dropping it changes no vector.
        public var user: String?

        public init(model: String, inputs: [EmbeddingInput], encoding: EmbeddingEncoding = .float, user: String? = nil)
        {
            self.model = model
            self.inputs = inputs
            self.encoding = encoding
            self.user = user
        }
    }

    /// One thing to embed.
    public struct EmbeddingInput: Sendable, Hashable {
        public var content: EmbeddingContent
        /// Vector length asked for (OpenAI `dimensions`, Gemini `outputDimensionality`).
        public var dimensions: Int?
        /// Gemini `taskType` (`RETRIEVAL_QUERY`…).
        public var taskType: String?
        /// Gemini `title`: text embedded together with a `RETRIEVAL_DOCUMENT` content.
        public var title: String?
        /// Where the client put this input (`input[2]`, `requests[1]`), for errors that name the field.
        public var field: String

        public init(
            _ content: EmbeddingContent, field: String, dimensions: Int? = nil, taskType: String? = nil,
            title: String? = nil
        ) {
            self.content = content
            self.field = field
            self.dimensions = dimensions
            self.taskType = taskType
            self.title = title
        }
    }

    /// What one input holds.
    public enum EmbeddingContent: Sendable, Hashable {
        case text(String)
        /// Token ids (OpenAI only).
        case tokens([Int])
        /// A Gemini `content` that is not a single text part (several parts, or media), kept as sent.
        case geminiContent(JSONValue)
    }

    /// How vectors travel in OpenAI's API.
    public enum EmbeddingEncoding: String, Sendable, Hashable {
        /// JSON numbers.
        case float
        /// Little-endian float32 bytes in base64, as OpenAI sends them.
        case base64
    }

    /// An embeddings answer: one vector per input, in input order.
    public struct Embeddings: Sendable, Equatable {
        public var vectors: [[Float]]
        /// Input tokens where the upstream reported them (OpenAI does; Gemini's API does not).
        public var promptTokens: Int?

        public init(vectors: [[Float]], promptTokens: Int? = nil) {
            self.vectors = vectors
            self.promptTokens = promptTokens
        }
    }
}

extension IR.EmbeddingsRequest {
    /// Input tokens when the upstream does not say: token arrays counted exactly, text at about four bytes a
    /// token (the gateway's estimate elsewhere), at least one per input.
    public var estimatedTokens: Int {
        inputs.reduce(0) { sum, input in
            let title = input.title.map { Self.estimate(text: $0) } ?? 0
            return sum + title + Self.estimate(input.content)
        }
    }

    static func estimate(_ content: IR.EmbeddingContent) -> Int {
        switch content {
        case .text(let s): estimate(text: s)
        case .tokens(let t): max(1, t.count)
        case .geminiContent(let c): max(1, Gemini.textParts(of: c).reduce(0) { $0 + estimate(text: $1) })
        }
    }

    static func estimate(text: String) -> Int { max(1, (text.utf8.count + 3) / 4) }
}
