/// A `reasoning` item's identity in the IR.
///
/// OpenAI accepts a reasoning item back only with what it minted: the `encrypted_content` byte for byte and, when
/// the item was stored, its `id` (`rs_…`, which the next item is checked against). Both travel as one IR signature
/// of origin `.responses` whose value is `<id>:<encrypted_content>` (the id may be empty: `:gAAA…` for an item
/// resent without it). Item ids never hold a colon, so the first colon splits them again. An item without
/// encrypted content has no signature: its id alone cannot be told from one the gateway made up for a client (a
/// Responses client must get an id on every item), and a made-up id sent to OpenAI is an error; such an item is
/// only its summary text. Every other protocol carries the value whole, tagged
/// (`plexus:responses:rs_1:gAAA…` in an Anthropic `signature`, a Chat `thinking_blocks` entry or, base64, a Gemini
/// `thoughtSignature`), so a client of any protocol that resends its turn gets both back to a Responses upstream.
/// Only this namespace splits the value, when it writes a `reasoning` item.
extension Responses {
    static let responsesTag = SignatureTag.prefix + "responses:"

    /// The signature value of a reasoning item's id and encrypted content.
    static func packReasoning(id: String?, encrypted: String) -> String {
        let id = id.flatMap { $0.contains(":") ? nil : $0 }
        return (id ?? "") + ":" + encrypted
    }

    /// Splits a `.responses` signature value; a value without a colon is encrypted content alone.
    static func unpackReasoning(_ value: String) -> (id: String?, encrypted: String?) {
        guard let colon = value.firstIndex(of: ":") else { return (nil, value.isEmpty ? nil : value) }
        let id = String(value[..<colon])
        let encrypted = String(value[value.index(after: colon)...])
        return (id.isEmpty ? nil : id, encrypted.isEmpty ? nil : encrypted)
    }

    /// What a reasoning item's `id` and `encrypted_content` hold. Untagged content is this upstream's own; a tagged
    /// value is another protocol's signature or Anthropic redacted thinking, or (`plexus:responses:`) a packed value
    /// that a stream could not announce under its own id.
    static func reasoningContent(id: String?, encrypted: String?) -> IR.SignatureContent? {
        guard let encrypted, !encrypted.isEmpty else { return nil }
        if encrypted.hasPrefix(responsesTag) {
            let packed = String(encrypted.dropFirst(responsesTag.count))
            guard unpackReasoning(packed).encrypted != nil else { return nil }
            return .signature(IR.Signature(packed, origin: .responses))
        }
        switch SignatureTag.decode(encrypted, native: .responses) {
        case .signature(let s)? where s.origin == .responses:
            return .signature(IR.Signature(packReasoning(id: id, encrypted: encrypted), origin: .responses))
        case let other:
            return other
        }
    }

    /// The item id a `.responses` signature was minted under, to announce the item with (nil for other origins).
    static func mintedItemID(_ signature: IR.Signature?) -> String? {
        guard let signature, signature.origin == .responses else { return nil }
        return unpackReasoning(signature.value).id
    }

    /// The `encrypted_content` of a reasoning item announced as `itemID` that carries `signature`. A `.responses`
    /// signature minted under that id gives its content untagged; one minted under another id (or none), as when
    /// a stream announced the item before its signature came, goes whole and tagged, so the real id comes back.
    /// Other origins go tagged.
    static func encryptedContent(_ signature: IR.Signature, itemID: String) -> String? {
        guard signature.origin == .responses else { return SignatureTag.encode(signature, native: .responses) }
        let (id, encrypted) = unpackReasoning(signature.value)
        return id == itemID ? encrypted : responsesTag + signature.value
    }

    /// The `encrypted_content` that carries Anthropic redacted thinking to a Responses client.
    static func redactedContent(_ r: IR.RedactedThinking) -> String {
        SignatureTag.encodeRedacted(r, native: .responses)
    }

    /// The IR part of a `reasoning` item (input or output): its summary text (parts joined by a blank line, or
    /// the `reasoning_text` content that open-weight servers send instead) and its identity.
    static func reasoningPart(_ item: JSONValue) -> IR.Part? {
        let text = reasoningText(item)
        switch reasoningContent(id: item["id"]?.stringValue, encrypted: item["encrypted_content"]?.stringValue) {
        case .redacted(let r)?: return .redactedThinking(r)
        case .signature(let s)?: return .thinking(IR.Thinking(text, signature: s))
        case nil: return text.isEmpty ? nil : .thinking(IR.Thinking(text))
        }
    }

    static func reasoningText(_ item: JSONValue) -> String {
        let summary = (item["summary"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
        if !summary.isEmpty { return summary.joined(separator: "\n\n") }
        return (item["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n\n")
    }

    /// A `reasoning` item for a client or an upstream; an empty text gives an empty summary.
    static func reasoningItem(id: String?, text: String, encrypted: String?) -> JSONValue {
        var o = JSONObject()
        o.set("id", id)
        o["type"] = "reasoning"
        o["summary"] = text.isEmpty ? [] : [["type": "summary_text", "text": .string(text)]]
        o.set("encrypted_content", encrypted)
        return .object(o)
    }
}
