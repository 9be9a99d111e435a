extension Gemini {
    /// The answer of `:batchEmbedContents`: `{"embeddings": [{"values": […]}, …]}` in request order. Google's API
    /// reports no usage for embeddings; a `usageMetadata.promptTokenCount`, where a server sends one, is read.
    public struct BatchEmbedContentsResponse: Sendable, Equatable {
        public var vectors: [[Float]]
        public var promptTokens: Int?

        public init(vectors: [[Float]], promptTokens: Int? = nil) {
            self.vectors = vectors
            self.promptTokens = promptTokens
        }

        /// Reads an upstream's answer; a shape it cannot read is an upstream error.
        public init(parsing body: [UInt8]) throws(PlexusError) {
            guard case .object(let o)? = try? JSONValue(parsing: body), let items = o["embeddings"]?.arrayValue else {
                throw PlexusError(.upstream, "The upstream's batchEmbedContents answer has no 'embeddings' list.")
            }
            var vectors: [[Float]] = []
            vectors.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let values = item["values"].flatMap(EmbeddingVector.floats(json:)) else {
                    throw PlexusError(.upstream, "The upstream's batchEmbedContents answer has a bad embeddings[\(i)].")
                }
                vectors.append(values)
            }
            self.init(vectors: vectors, promptTokens: Self.promptTokens(JSONValue.object(o)))
        }

        static func promptTokens(_ answer: JSONValue) -> Int? {
            answer.g("usageMetadata")?.g("promptTokenCount")?.looseInt
        }

        public var ir: IR.Embeddings { IR.Embeddings(vectors: vectors, promptTokens: promptTokens) }

        public func serialized() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(16 + vectors.reduce(0) { $0 + $1.count } * 12)
            EmbeddingVector.append(#"{"embeddings":["#, to: &out)
            for (i, vector) in vectors.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                EmbeddingVector.append(#"{"values":"#, to: &out)
                EmbeddingVector.writeJSON(vector, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            EmbeddingVector.append("]}", to: &out)
            return out
        }
    }

    /// The answer of `:embedContent`: `{"embedding": {"values": […]}}`.
    public struct EmbedContentResponse: Sendable, Equatable {
        public var vector: [Float]

        public init(vector: [Float]) {
            self.vector = vector
        }

        /// Reads a single answer (the mock and tests; the gateway itself always calls the batch method upstream).
        public init(parsing body: [UInt8]) throws(PlexusError) {
            guard let values = (try? JSONValue(parsing: body))?["embedding"]?["values"],
                let vector = EmbeddingVector.floats(json: values)
            else {
                throw PlexusError(.upstream, "The upstream's embedContent answer has no 'embedding.values'.")
            }
            self.vector = vector
        }

        public func serialized() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(32 + vector.count * 12)
            EmbeddingVector.append(#"{"embedding":{"values":"#, to: &out)
            EmbeddingVector.writeJSON(vector, into: &out)
            EmbeddingVector.append("}}", to: &out)
            return out
        }
    }
}
