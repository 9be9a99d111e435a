/// Accumulates IR stream events into a final IR.Response (used for usage logging and traces).
public struct StreamAccumulator: Sendable {
    struct Block {
        enum Kind {
            case text
            case thinking(IR.Signature?)
            case redacted(IR.RedactedThinking)
            case call(IR.ToolCall)
            case opaque(IR.Opaque)
        }

        var kind: Kind
        /// The text, thinking, call arguments or opaque input so far: appended in place, never copied whole.
        var text = ""
    }

    var id = ""
    var model = ""
    var created: Int?
    var blocks: [Int: Block] = [:]
    var stopReason: IR.StopReason?
    var stopSequence: String?
    var usage: IR.Usage?
    /// The error an upstream reported mid-stream, if any.
    public private(set) var error: PlexusError?

    public init() {}

    public mutating func add(_ e: IR.StreamEvent) {
        switch e {
        case .start(let id, let model, let created):
            self.id = id
            self.model = model
            self.created = created
        case .blockStart(let index, let kind):
            let start: Block.Kind =
                switch kind {
                case .text: .text
                case .thinking: .thinking(nil)
                case .redactedThinking(let r): .redacted(r)
                case .toolCall(let id, let name, let sig):
                    .call(IR.ToolCall(id: id, name: name, arguments: "", signature: sig))
                case .opaque(let o): .opaque(o)
                }
            blocks[index] = Block(kind: start)
        case .delta(let index, let delta):
            blocks[index]?.apply(delta)
        case .blockStop:
            break
        case .usage(let u):
            usage = u
        case .stop(let reason, let sequence):
            stopReason = reason
            stopSequence = sequence
        case .error(let e):
            error = e
        }
    }

    /// The answer so far, parts in block order.
    public var response: IR.Response {
        var parts: [IR.Part] = []
        for index in blocks.keys.sorted() {
            let block = blocks[index]!
            switch block.kind {
            case .text: parts.append(.text(IR.Text(block.text)))
            case .thinking(let sig): parts.append(.thinking(IR.Thinking(block.text, signature: sig)))
            case .redacted(let r): parts.append(.redactedThinking(r))
            case .call(var c):
                c.arguments = block.text.isEmpty ? "{}" : block.text
                parts.append(.toolCall(c))
            case .opaque(var o):
                if !block.text.isEmpty, case .object(var obj) = o.value, let parsed = JSONInput.lenient(block.text) {
                    obj["input"] = parsed
                    o.value = .object(obj)
                }
                parts.append(.opaque(o))
            }
        }
        return IR.Response(
            id: id, model: model, created: created, parts: parts, stopReason: stopReason,
            stopSequence: stopSequence, usage: usage)
    }
}

extension StreamAccumulator.Block {
    /// A delta that does not fit the block changes nothing.
    mutating func apply(_ d: IR.Delta) {
        switch (kind, d) {
        case (.text, .text(let t)), (.thinking, .thinking(let t)), (.call, .arguments(let t)),
            (.opaque, .arguments(let t)):
            text += t
        case (.thinking, .signature(let s)):
            kind = .thinking(s)
        case (.call(var c), .signature(let s)):
            c.signature = s
            kind = .call(c)
        case (.text, _), (.thinking, _), (.redacted, _), (.call, _), (.opaque, _):
            break
        }
    }
}
