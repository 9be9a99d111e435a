extension IR {
    /// One piece of message content.
    public enum Part: Sendable, Hashable {
        case text(Text)
        case image(Media)
        /// A PDF or other document.
        case document(Media)
        /// Audio, video or any other media only some protocols accept.
        case file(Media)
        case thinking(Thinking)
        /// Anthropic's encrypted thinking.
        case redactedThinking(RedactedThinking)
        case toolCall(ToolCall)
        case toolResult(ToolResult)
        /// A provider-specific block (e.g. Anthropic `server_tool_use`) re-sent only to its own protocol.
        case opaque(Opaque)
    }

    /// Plain text with an optional Anthropic cache hint.
    public struct Text: Sendable, Hashable {
        public var text: String
        public var cacheControl: JSONValue?
        /// The OpenAI Responses `message` item (`msg_…`) an assistant text came in, resent to a Responses target
        /// (which pairs stored reasoning with the item after it by id); no other protocol has a place for it.
        public var itemID: String?

        public init(_ text: String, cacheControl: JSONValue? = nil, itemID: String? = nil) {
            self.text = text
            self.cacheControl = cacheControl
            self.itemID = itemID
        }
    }

    /// Where media bytes come from.
    public enum MediaSource: Sendable, Hashable {
        /// Standard base64 data (never a data URL).
        case base64(mediaType: String, data: String)
        /// A URL the provider fetches; the media type when one is known.
        case url(String, mediaType: String?)
    }

    /// An image, document or other media attachment.
    public struct Media: Sendable, Hashable {
        public var source: MediaSource
        public var title: String?
        /// OpenAI image `detail`; only OpenAI reads it.
        public var detail: String?
        public var cacheControl: JSONValue?

        public init(source: MediaSource, title: String? = nil, detail: String? = nil, cacheControl: JSONValue? = nil) {
            self.source = source
            self.title = title
            self.detail = detail
            self.cacheControl = cacheControl
        }

        /// The media type, from the source.
        public var mediaType: String? {
            switch source {
            case .base64(let mediaType, _): mediaType
            case .url(_, let mediaType): mediaType
            }
        }
    }

    /// Model reasoning text with the signature that lets the provider verify it later.
    public struct Thinking: Sendable, Hashable {
        public var text: String
        public var signature: Signature?

        public init(_ text: String, signature: Signature? = nil) {
            self.text = text
            self.signature = signature
        }
    }

    /// Anthropic redacted thinking: opaque data, valid only toward Anthropic.
    public struct RedactedThinking: Sendable, Hashable {
        public var data: String

        public init(data: String) { self.data = data }
    }

    /// A function call the model made.
    public struct ToolCall: Sendable, Hashable {
        public var id: String
        public var name: String
        /// Arguments as JSON text (may be invalid JSON when a model produced it so).
        public var arguments: String
        /// Gemini thought signature attached to the call.
        public var signature: Signature?
        /// The OpenAI Responses `function_call` item id (`fc_…`; `id` is its `call_id`), resent to a Responses
        /// target; no other protocol has a place for it.
        public var itemID: String?

        public init(id: String, name: String, arguments: String, signature: Signature? = nil, itemID: String? = nil) {
            self.id = id
            self.name = name
            self.arguments = arguments
            self.signature = signature
            self.itemID = itemID
        }
    }

    /// The result of a tool call, sent back by the client.
    public struct ToolResult: Sendable, Hashable {
        public var callID: String
        /// The called function's name when the protocol carries it (Gemini needs it).
        public var name: String?
        public var content: [Part]
        public var isError: Bool
        public var cacheControl: JSONValue?

        public init(
            callID: String, name: String? = nil, content: [Part], isError: Bool = false, cacheControl: JSONValue? = nil
        ) {
            self.callID = callID
            self.name = name
            self.content = content
            self.isError = isError
            self.cacheControl = cacheControl
        }

        /// The text parts joined, for protocols whose results are plain text.
        public var text: String {
            content.compactMap { if case .text(let t) = $0 { t.text } else { nil } }.joined()
        }
    }

    /// A block only its origin protocol understands, kept as raw JSON.
    public struct Opaque: Sendable, Hashable {
        public var origin: APIProtocol
        public var value: JSONValue

        public init(origin: APIProtocol, value: JSONValue) {
            self.origin = origin
            self.value = value
        }
    }
}
