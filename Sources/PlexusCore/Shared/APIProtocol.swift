/// The wire protocols Plexus speaks, as named in `plexus.yaml` (`api_base_url` keys, `access_via`).
public enum APIProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    /// OpenAI Chat Completions.
    case chat
    /// Anthropic Messages.
    case messages
    /// Google Gemini generateContent (and, for embedding models, `batchEmbedContents`).
    case gemini
    /// OpenAI Responses (`{base}/responses`).
    case responses
    /// OpenAI-shaped embeddings (`{base}/embeddings`).
    case embeddings

    /// The protocols that generate text: every one but `embeddings`.
    public static let generative: [APIProtocol] = [.chat, .messages, .gemini, .responses]
}

/// What an inference request asks for, and so what a model serves (`type` on a provider's model).
public enum RequestKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Text generation through the chat protocols.
    case chat
    /// Vectors for inputs (`/v1/embeddings`, Gemini `:embedContent` / `:batchEmbedContents`).
    case embeddings
}
