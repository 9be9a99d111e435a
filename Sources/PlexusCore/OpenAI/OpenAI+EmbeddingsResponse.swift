extension OpenAI {
    /// The answer of `/embeddings`: `data[]` of `{index, embedding}` (numbers or base64), `model`, `usage`.
    public struct EmbeddingsResponse: Sendable, Equatable {
        /// Vectors in `index` order.
        public var vectors: [[Float]]
        public var model: String
        public var promptTokens: Int?

        public init(vectors: [[Float]], model: String, promptTokens: Int?) {
            self.vectors = vectors
            self.model = model
            self.promptTokens = promptTokens
        }

        /// Reads an upstream's answer; each item may be floats or base64 whatever was asked (some OpenAI-shaped
        /// servers ignore `encoding_format`). A shape it cannot read is an upstream error.
        public init(parsing body: [UInt8]) throws(PlexusError) {
            guard case .object(let o) = try? JSONValue(parsing: body), let items = o["data"]?.arrayValue else {
                throw PlexusError(.upstream, "The upstream's embeddings answer has no 'data' list.")
            }
            var slots = [[Float]?](repeating: nil, count: items.count)
            for (position, item) in items.enumerated() {
                let index = item["index"]?.intValue ?? position
                guard slots.indices.contains(index), slots[index] == nil, let vector = Self.vector(item["embedding"])
                else {
                    throw PlexusError(
                        .upstream, "The upstream's embeddings answer has a bad item at data[\(position)].")
                }
                slots[index] = vector
            }
            vectors = slots.map { $0 ?? [] }
            model = o["model"]?.stringValue ?? ""
            promptTokens = OpenAI.embeddingsPromptTokens(o["usage"])
        }

        private static func vector(_ value: JSONValue?) -> [Float]? {
            switch value {
            case .string(let text)?: EmbeddingVector.floats(base64: text)
            case let json?: EmbeddingVector.floats(json: json)
            case nil: nil
            }
        }

        public var ir: IR.Embeddings { IR.Embeddings(vectors: vectors, promptTokens: promptTokens) }

        /// The answer for a client, vectors as it asked; `usage` always present (the SDKs require it), so the
        /// caller passes an estimate when the upstream reported none.
        public func serialized(encoding: IR.EmbeddingEncoding) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(64 + vectors.reduce(0) { $0 + $1.count } * (encoding == .base64 ? 6 : 12))
            EmbeddingVector.append(#"{"object":"list","data":["#, to: &out)
            for (i, vector) in vectors.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                EmbeddingVector.append(#"{"object":"embedding","index":"#, to: &out)
                JSONWriter.writeInteger(Int64(i), into: &out)
                EmbeddingVector.append(#","embedding":"#, to: &out)
                switch encoding {
                case .float: EmbeddingVector.writeJSON(vector, into: &out)
                case .base64: JSONWriter.writeString(EmbeddingVector.base64(vector), into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            EmbeddingVector.append(#"],"model":"#, to: &out)
            JSONWriter.writeString(model, into: &out)
            let tokens = Int64(promptTokens ?? 0)
            EmbeddingVector.append(#","usage":{"prompt_tokens":"#, to: &out)
            JSONWriter.writeInteger(tokens, into: &out)
            EmbeddingVector.append(#","total_tokens":"#, to: &out)
            JSONWriter.writeInteger(tokens, into: &out)
            EmbeddingVector.append("}}", to: &out)
            return out
        }
    }

    /// `usage.prompt_tokens` of an embeddings answer (`total_tokens` when only that is given).
    static func embeddingsPromptTokens(_ usage: JSONValue?) -> Int? {
        usage?["prompt_tokens"]?.looseInt ?? usage?["total_tokens"]?.looseInt
    }
}
