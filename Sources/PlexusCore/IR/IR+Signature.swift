extension IR {
    /// An opaque reasoning signature plus the protocol that minted it; it is valid only toward that protocol.
    public struct Signature: Sendable, Hashable {
        public var value: String
        public var origin: APIProtocol

        public init(_ value: String, origin: APIProtocol) {
            self.value = value
            self.origin = origin
        }
    }

    /// What a signature-carrying field held once untagged.
    public enum SignatureContent: Sendable, Hashable {
        case signature(Signature)
        case redacted(RedactedThinking)
    }
}

/// Gateway tags for signatures that travel inside a foreign protocol's field (`plexus:gemini:…`).
///
/// A signature in its minting protocol's own field goes untagged, so same-protocol traffic is byte-identical;
/// anywhere else it carries the tag, so it can be recognised, untagged and sent only to its origin.
/// Gemini's `thoughtSignature` is protobuf `bytes`: clients (google-genai) base64-decode it and re-encode it
/// (URL-safe) when they resend, so a tag there is written as base64 of the tag text and read back either way.
public enum SignatureTag {
    static let prefix = "plexus:"
    /// Base64 of "plexus:" starts with these characters (standard and URL-safe alike).
    static let base64Prefix = "cGxleHVzO"
    static let redactedName = "anthropic-redacted"

    static func name(_ proto: APIProtocol) -> String {
        switch proto {
        case .messages: "anthropic"
        case .gemini: "gemini"
        case .chat, .embeddings: "openai"
        case .responses: "responses"
        }
    }

    static func proto(named name: Substring) -> APIProtocol? {
        switch name {
        case "anthropic": .messages
        case "gemini": .gemini
        case "openai": .chat
        case "responses": .responses
        default: nil
        }
    }

    /// The field text for `signature` inside a field whose untagged values belong to `native`.
    public static func encode(_ signature: IR.Signature, native: APIProtocol) -> String {
        signature.origin == native
            ? signature.value : wrap(prefix + name(signature.origin) + ":" + signature.value, native: native)
    }

    /// Redacted thinking data carried in a non-Anthropic signature field.
    public static func encodeRedacted(_ redacted: IR.RedactedThinking, native: APIProtocol) -> String {
        wrap(prefix + redactedName + ":" + redacted.data, native: native)
    }

    /// Tag text as the field holds it: base64 in Gemini's bytes field, plain elsewhere.
    static func wrap(_ tag: String, native: APIProtocol) -> String {
        native == .gemini ? Base64.encode(Array(tag.utf8)) : tag
    }

    /// Reads a signature field; untagged values belong to `native`. Empty fields give nil.
    public static func decode(_ raw: String?, native: APIProtocol) -> IR.SignatureContent? {
        guard let field = raw, !field.isEmpty else { return nil }
        var raw = field
        if native == .gemini, raw.hasPrefix(base64Prefix), let text = Base64.decodeText(raw), text.hasPrefix(prefix) {
            raw = text
        }
        guard raw.hasPrefix(prefix) else { return .signature(IR.Signature(raw, origin: native)) }
        let rest = raw.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return .signature(IR.Signature(raw, origin: native)) }
        let name = rest[..<colon]
        let value = String(rest[rest.index(after: colon)...])
        if name == redactedName { return .redacted(IR.RedactedThinking(data: value)) }
        guard let origin = proto(named: name) else { return .signature(IR.Signature(raw, origin: native)) }
        return .signature(IR.Signature(value, origin: origin))
    }

    /// Reads a field that can hold only a signature (redacted data, if tagged, is dropped to nil).
    public static func decodeSignature(_ raw: String?, native: APIProtocol) -> IR.Signature? {
        if case .signature(let s) = decode(raw, native: native) { return s }
        return nil
    }
}
