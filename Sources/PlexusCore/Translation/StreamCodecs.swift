/// Turns one upstream SSE event into IR stream events.
public protocol StreamDecoding: Sendable {
    mutating func decode(_ event: SSEEvent) throws(PlexusError) -> [IR.StreamEvent]
    /// Closes whatever the upstream left open when its stream ended.
    mutating func finish() -> [IR.StreamEvent]
}

/// Turns IR stream events into the bytes a client of one protocol expects.
///
/// A call hands over what it wrote; an encoder whose events can repeat a long answer (Responses' closing events,
/// each with the whole text) hands over about a megabyte and keeps the rest for `more()`, so the caller writes it
/// out before the next piece becomes bytes. Callers ask `more()` after every call until it answers nil.
public protocol StreamEncoding: Sendable {
    mutating func encode(_ event: IR.StreamEvent) -> [UInt8]
    /// Closes the client stream (final chunk, usage, `[DONE]`, `message_stop`, `]`).
    mutating func finish() -> [UInt8]
    /// The next piece of what the last call wrote, or nil when all of it was handed over.
    mutating func more() -> [UInt8]?
    /// The whole response the stream ended with, once written, in protocols whose last event carries one
    /// (Responses); nil in the others.
    var finalResponse: JSONValue? { get }
}

extension StreamEncoding {
    public var finalResponse: JSONValue? { nil }
    public mutating func more() -> [UInt8]? { nil }
}

/// Picks the stream decoder and encoder for a protocol.
public enum StreamCodecs {
    public static func decoder(for proto: APIProtocol) -> any StreamDecoding {
        switch proto {
        // Embeddings are unary; OpenAI's codec is the nearest for the exhaustive switch.
        case .chat, .embeddings: OpenAI.StreamDecoder()
        case .responses: Responses.StreamDecoder()
        case .messages: Anthropic.StreamDecoder()
        case .gemini: Gemini.StreamDecoder()
        }
    }

    /// `includeUsage` matters for OpenAI clients only; `geminiJSONArray` picks Gemini's non-SSE array framing.
    public static func encoder(
        for proto: APIProtocol, clientModel: String, includeUsage: Bool,
        geminiJSONArray: Bool
    ) -> any StreamEncoding {
        encoder(
            for: proto, clientModel: clientModel, includeUsage: includeUsage, geminiJSONArray: geminiJSONArray,
            created: nil)
    }

    /// As above; `created` (Unix seconds from the server's clock) fills OpenAI's `created` and Responses'
    /// `created_at` when the upstream gave none. A Responses client's encoder built here uses the upstream's id
    /// (as `resp_…`) and echoes no request parameters; `Responses.StreamEncoder(model:responseID:created:echo:)`
    /// takes the server's own id and the client's request.
    public static func encoder(
        for proto: APIProtocol, clientModel: String, includeUsage: Bool, geminiJSONArray: Bool,
        created: Int?
    ) -> any StreamEncoding {
        switch proto {
        case .chat, .embeddings: OpenAI.StreamEncoder(model: clientModel, includeUsage: includeUsage, created: created)
        case .responses: Responses.StreamEncoder(model: clientModel, created: created)
        case .messages: Anthropic.StreamEncoder(model: clientModel)
        case .gemini: Gemini.StreamEncoder(model: clientModel, jsonArray: geminiJSONArray)
        }
    }
}

extension JSONValue {
    /// Parses an SSE data payload from an upstream; garbage is an upstream error, not a crash.
    static func upstreamEvent(_ data: String) throws(PlexusError) -> JSONValue {
        do {
            return try JSONValue(parsing: data)
        } catch {
            throw PlexusError(.upstream, "Malformed upstream stream event: \(error.message) at byte \(error.offset).")
        }
    }
}
