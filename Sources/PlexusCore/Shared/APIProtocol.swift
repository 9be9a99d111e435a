/// The wire protocols Plexus speaks, as named in `plexus.yaml` (`api_base_url` keys, `access_via`).
public enum APIProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    /// OpenAI Chat Completions.
    case chat
    /// Anthropic Messages.
    case messages
    /// Google Gemini generateContent.
    case gemini
}
