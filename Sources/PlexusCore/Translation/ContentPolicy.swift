/// Decides what of a conversation each target may receive (signatures, thinking, provider blocks).
enum ContentPolicy {
    /// Thinking text the target cannot take as thinking, kept as plain context.
    static func contextText(_ thinking: IR.Thinking) -> IR.Part? {
        guard !thinking.text.isEmpty else { return nil }
        return .text(IR.Text("<thinking>\n\(thinking.text)\n</thinking>\n"))
    }

    /// Rewrites an assistant turn's parts for a target: foreign signatures and blocks go, thinking text stays as context.
    /// Gemini keeps all thinking (its encoder writes `thought` parts and keeps only Gemini signatures); Anthropic and
    /// Responses keep the thinking they signed (as thinking blocks, as `reasoning` items).
    static func assistantParts(_ parts: [IR.Part], for target: APIProtocol) -> [IR.Part] {
        var out: [IR.Part] = []
        out.reserveCapacity(parts.count)
        for part in parts {
            switch part {
            case .thinking(let t):
                if target == .gemini || t.signature?.origin == target && (target == .messages || target == .responses) {
                    out.append(part)
                } else if let text = contextText(t) {
                    out.append(text)
                }
            case .redactedThinking:
                if target == .messages { out.append(part) }
            case .opaque(let o):
                if o.origin == target { out.append(part) }
            case .toolCall(var call):
                if call.signature?.origin != target { call.signature = nil }
                out.append(.toolCall(call))
            case .text, .image, .document, .file, .toolResult:
                out.append(part)
            }
        }
        return out
    }

    /// Fails on request-side content the target cannot express (never dropped silently).
    static func checkOpaque(_ part: IR.Part, target: APIProtocol, param: String) throws(PlexusError) {
        if case .opaque(let o) = part, o.origin != target {
            throw PlexusError.unsupported(
                param, target: target, detail: "content block only the \(SignatureTag.name(o.origin)) API understands")
        }
    }
}
