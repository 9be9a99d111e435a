extension IR.StreamEvent {
    /// About how many bytes a consumer that keeps what a stream said holds for this event: the text it carries,
    /// plus a fixed cost for the event itself (a block's entry in a map, an output item). Every accumulator on the
    /// way (a Responses client's final response, a Gemini client's call arguments, a trace's message) keeps at most
    /// a small multiple of the sum, so bounding the sum bounds them all.
    public var heldBytes: Int {
        let fixed = 32
        switch self {
        case .start(let id, let model, _):
            return fixed + id.utf8.count + model.utf8.count
        case .blockStart(_, let kind):
            return fixed + kind.heldBytes
        case .delta(_, let delta):
            return fixed + delta.heldBytes
        case .blockStop, .usage, .stop:
            return fixed
        case .error(let e):
            return fixed + e.message.utf8.count
        }
    }
}

extension IR.BlockKind {
    var heldBytes: Int {
        switch self {
        case .text, .thinking: 0
        case .redactedThinking(let r): r.data.utf8.count
        case .toolCall(let id, let name, let signature):
            id.utf8.count + name.utf8.count + (signature?.value.utf8.count ?? 0)
        // Rare (a provider's own block kinds), so its size is worth measuring exactly.
        case .opaque(let o): o.value.serialized().count
        }
    }
}

extension IR.Delta {
    var heldBytes: Int {
        switch self {
        case .text(let s), .thinking(let s), .arguments(let s): s.utf8.count
        case .signature(let s): s.value.utf8.count
        }
    }
}

extension Sequence<IR.StreamEvent> {
    /// The sum of the events' `heldBytes`.
    public var heldBytes: Int { reduce(0) { $0 + $1.heldBytes } }
}

extension IR {
    /// The most of one answer the gateway holds: a whole unary answer, one event of a stream, or what a stream's
    /// translation keeps (the events' `heldBytes`, summed).
    public static let maxAnswerBytes = 64 << 20
}
