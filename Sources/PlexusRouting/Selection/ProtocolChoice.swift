import PlexusCore

/// Picks the upstream protocol for a target: the client's own when the target speaks it, else the richest mapping.
public enum ProtocolChoice {
    /// The client's protocol if available, else the first available in the preference order for that client:
    /// messages, chat, gemini (Anthropic clients); chat, messages, gemini (OpenAI); gemini, chat, messages (Gemini);
    /// responses, chat, messages, gemini (Responses). A target reached only through `responses` (some OpenAI
    /// models are offered only there) comes last for the other three.
    public static func choose(client: APIProtocol, available: [APIProtocol]) -> APIProtocol? {
        if available.contains(client) { return client }  // the usual case, without building the order
        return preference(for: client).first { available.contains($0) }
    }

    /// The preference order for a client protocol, its own first.
    public static func preference(for client: APIProtocol) -> [APIProtocol] {
        switch client {
        case .messages: [.messages, .chat, .gemini, .responses]
        case .chat: [.chat, .messages, .gemini, .responses]
        case .gemini: [.gemini, .chat, .messages, .responses]
        case .responses: [.responses, .chat, .messages, .gemini]
        case .embeddings: [.embeddings, .gemini]
        }
    }

    /// The protocol to ask a target for embeddings in: the client's own form when the target has it (OpenAI's
    /// `embeddings`, or `gemini`), else the other; nil when the target can embed in neither.
    public static func chooseEmbeddings(client: APIProtocol, available: [APIProtocol]) -> APIProtocol? {
        let order: [APIProtocol] = client == .gemini ? [.gemini, .embeddings] : [.embeddings, .gemini]
        return order.first { available.contains($0) }
    }
}
