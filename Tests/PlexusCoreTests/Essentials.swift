import PlexusCore

/// What must survive any translation of an answer, compared field by field.
struct Essentials: Equatable, CustomStringConvertible {
    struct Call: Equatable {
        var id: String?
        var name: String
        var arguments: JSONValue
    }

    var text = ""
    var thinking = ""
    var calls: [Call] = []
    /// Signature values with their origin, sorted so field placement (OpenAI puts calls last) does not matter.
    var signatures: [String] = []
    var redacted: [String] = []
    var usage: IR.Usage?
    var stop: IR.StopReason?

    var description: String {
        "text=\(text.prefix(60).debugDescription) thinking=\(thinking.count)ch calls=\(calls.map { "\($0.id ?? "-"):\($0.name)(\($0.arguments.jsonString))" }) "
            + "sigs=\(signatures.map { $0.prefix(24) }) redacted=\(redacted.count) usage=\(usage.map { "\($0)" } ?? "nil") stop=\(stop.map { "\($0)" } ?? "nil")"
    }

    static func args(_ text: String) -> JSONValue {
        if text.isEmpty { return .object(JSONObject()) }
        return (try? JSONValue(parsing: text)) ?? .string(text)
    }

    static func sig(_ s: IR.Signature) -> String { "\(s.origin.rawValue):\(s.value)" }

    /// Essentials of an IR answer.
    init(_ r: IR.Response) {
        for p in r.parts {
            switch p {
            case .text(let t): text += t.text
            case .thinking(let t):
                thinking += t.text
                if let s = t.signature { signatures.append(Self.sig(s)) }
            case .redactedThinking(let x): redacted.append(x.data)
            case .toolCall(let c):
                calls.append(Call(id: c.id, name: c.name, arguments: Self.args(c.arguments)))
                if let s = c.signature { signatures.append(Self.sig(s)) }
            default: break
            }
        }
        signatures.sort()
        usage = r.usage
        stop = r.stopReason
    }

    init() {}

    /// The same answer with call ids ignored (for comparisons where ids are generated).
    var withoutIDs: Essentials {
        var e = self
        e.calls = e.calls.map { Call(id: nil, name: $0.name, arguments: $0.arguments) }
        return e
    }

    /// What a client of `proto` reports back after the answer went through that protocol's fields.
    func seenThrough(_ proto: APIProtocol) -> Essentials {
        var e = self
        e.stop = stop.map { Self.stopSeenThrough($0, proto, hasCalls: !calls.isEmpty) }
        e.usage = usage.map { Self.usageSeenThrough($0, proto) }
        return e
    }

    /// The stop reason table of TRANSLATION.md, read there and back.
    static func stopSeenThrough(_ s: IR.StopReason, _ proto: APIProtocol, hasCalls: Bool) -> IR.StopReason {
        switch (proto, s) {
        case (.messages, _): s
        case (.chat, .stopSequence), (.chat, .paused): .endTurn
        case (.chat, _), (.embeddings, _): s
        // Responses says only completed / incomplete (max_output_tokens, content_filter); calls are output items.
        case (.responses, .maxTokens): .maxTokens
        case (.responses, .refusal): .refusal
        case (.responses, _): hasCalls ? .toolUse : .endTurn
        case (.gemini, .maxTokens): .maxTokens
        case (.gemini, .refusal): .refusal
        case (.gemini, _): hasCalls ? .toolUse : .endTurn
        }
    }

    /// The usage table: totals are kept, splits a protocol cannot express fold into a neighbour.
    static func usageSeenThrough(_ u: IR.Usage, _ proto: APIProtocol) -> IR.Usage {
        switch proto {
        case .messages:
            IR.Usage(input: u.input, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, output: u.output + u.reasoning)
        case .chat, .gemini, .embeddings:
            IR.Usage(input: u.input + u.cacheWrite, cacheRead: u.cacheRead, output: u.output, reasoning: u.reasoning)
        case .responses:
            IR.Usage(
                input: u.input, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, output: u.output,
                reasoning: u.reasoning)
        }
    }
}
