/// Accumulates IR stream events into a final IR.Response (used for usage logging and traces).
public struct StreamAccumulator: Sendable {
    enum Block {
        case text(String)
        case thinking(String, IR.Signature?)
        case redacted(IR.RedactedThinking)
        case call(IR.ToolCall)
        case opaque(IR.Opaque, input: String)
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
            blocks[index] =
                switch kind {
                case .text: .text("")
                case .thinking: .thinking("", nil)
                case .redactedThinking(let r): .redacted(r)
                case .toolCall(let id, let name, let sig):
                    .call(IR.ToolCall(id: id, name: name, arguments: "", signature: sig))
                case .opaque(let o): .opaque(o, input: "")
                }
        case .delta(let index, let delta):
            if let b = blocks[index] { blocks[index] = Self.apply(delta, to: b) }
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

    static func apply(_ d: IR.Delta, to b: Block) -> Block {
        switch b {
        case .text(let s):
            if case .text(let t) = d { return .text(s + t) }
        case .thinking(let s, let sig):
            if case .thinking(let t) = d { return .thinking(s + t, sig) }
            if case .signature(let newSig) = d { return .thinking(s, newSig) }
        case .call(var c):
            if case .arguments(let a) = d {
                c.arguments += a
                return .call(c)
            }
            if case .signature(let sig) = d {
                c.signature = sig
                return .call(c)
            }
        case .opaque(let o, let input):
            if case .arguments(let a) = d { return .opaque(o, input: input + a) }
        case .redacted:
            break
        }
        return b  // a delta that does not fit its block changes nothing
    }

    /// The answer so far, parts in block order.
    public var response: IR.Response {
        var parts: [IR.Part] = []
        for index in blocks.keys.sorted() {
            switch blocks[index]! {
            case .text(let s): parts.append(.text(IR.Text(s)))
            case .thinking(let s, let sig): parts.append(.thinking(IR.Thinking(s, signature: sig)))
            case .redacted(let r): parts.append(.redactedThinking(r))
            case .call(var c):
                if c.arguments.isEmpty { c.arguments = "{}" }
                parts.append(.toolCall(c))
            case .opaque(var o, let input):
                if !input.isEmpty, case .object(var obj) = o.value, let parsed = JSONInput.lenient(input) {
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
