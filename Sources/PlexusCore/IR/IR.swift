/// The gateway's canonical model of requests, responses and streams; every protocol decodes into it and encodes out of it.
public enum IR {}

extension IR {
    /// A chat request in canonical form, richer than any one protocol.
    public struct Request: Sendable, Hashable {
        public var model: String
        /// System instructions (OpenAI system/developer, Anthropic `system`, Gemini `systemInstruction`).
        public var system: [Part]
        public var messages: [Message]
        public var tools: [ToolDefinition]
        public var toolChoice: ToolChoice?
        public var maxOutputTokens: Int?
        public var temperature: Double?
        public var topP: Double?
        public var topK: Int?
        public var stopSequences: [String]
        public var stream: Bool
        /// OpenAI `stream_options.include_usage` as the client asked it (upstreams always get it).
        public var streamIncludeUsage: Bool
        public var reasoning: Reasoning?
        public var responseFormat: ResponseFormat?
        /// End-user id (OpenAI `user`, Anthropic `metadata.user_id`).
        public var user: String?
        public var parallelToolCalls: Bool?
        public var seed: Int?
        /// Number of choices (OpenAI `n`, Gemini `candidateCount`).
        public var candidateCount: Int?
        public var frequencyPenalty: Double?
        public var presencePenalty: Double?
        /// Fields only the origin protocol understands; re-sent only to a target of the same protocol.
        public var extensions: Extensions

        public init(model: String, system: [Part] = [], messages: [Message] = []) {
            self.model = model
            self.system = system
            self.messages = messages
            tools = []
            stopSequences = []
            stream = false
            streamIncludeUsage = false
            extensions = Extensions()
        }
    }

    /// Protocol-specific top-level fields kept verbatim for a same-protocol target.
    public struct Extensions: Sendable, Hashable {
        /// The protocol the fields came from.
        public var origin: APIProtocol?
        public var fields: JSONObject
        /// Names of fields that change the answer, so a target of another protocol must refuse rather than drop them.
        public var required: [String]

        public init(origin: APIProtocol? = nil, fields: JSONObject = JSONObject(), required: [String] = []) {
            self.origin = origin
            self.fields = fields
            self.required = required
        }

        /// The fields to merge into a body for `target`, empty when the target speaks another protocol.
        public func fields(for target: APIProtocol) -> JSONObject {
            origin == target ? fields : JSONObject()
        }

        /// Forgets a field, for a server that has carried out what it asked (a Responses `previous_response_id`
        /// once the stored history is expanded into the request).
        public mutating func remove(_ name: String) {
            fields[name] = nil
            required.removeAll { $0 == name }
        }

        /// Throws when `target` would have to drop a field that matters.
        public func check(target: APIProtocol) throws(PlexusError) {
            guard let origin, origin != target, let first = required.first else { return }
            throw PlexusError.unsupported(first, target: target, detail: "a \(SignatureTag.name(origin)) API feature")
        }
    }

    /// Who said a message.
    public enum Role: String, Sendable, Hashable {
        case user, assistant, tool
    }

    /// One turn of the conversation.
    public struct Message: Sendable, Hashable {
        public var role: Role
        public var parts: [Part]

        public init(role: Role, parts: [Part]) {
            self.role = role
            self.parts = parts
        }
    }
}
