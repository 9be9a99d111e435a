import PlexusCore

/// A protocol-neutral plan of one answer: the pieces to say, the calls to make, usage and stop reason.
/// Each protocol renders it as a unary body or, through its stream encoder, as events.
struct MockScript: Sendable {
    /// Seed for ids, derived from the request body, so the same request gets the same answer.
    var seed: UInt64
    /// The model name the client asked for (echoed back, as the gateway expects).
    var model: String
    /// Thinking pieces, one token each.
    var thinking: [String] = []
    /// Signature of the thinking (Anthropic), of the first answer part (Gemini), or the encrypted content of the
    /// finished reasoning item (Responses).
    var signature: String?
    /// Responses: the encrypted content an in-progress reasoning item carries in `output_item.added`; minted here
    /// but not for finished reasoning, so a client that keeps it instead of the final one is refused.
    var signatureInProgress: String?
    /// Opaque data of an Anthropic `redacted_thinking` block.
    var redactedData: String?
    /// Visible text pieces, one token each.
    var text: [String] = []
    var toolCalls: [MockToolCall] = []
    var stop: MockStop = .endTurn
    var usage = MockUsage()
    /// Tokens per stream event.
    var chunkTokens = 1

    var thinkingText: String { thinking.joined() }
    var fullText: String { text.joined() }

    /// The answer as neutral stream events, text grouped `chunkTokens` pieces per event.
    func events() -> [MockEvent] {
        var out: [MockEvent] = [.start]
        for group in Self.groups(thinking, size: chunkTokens) {
            out.append(.thinking(group.joined(), tokens: group.count))
        }
        if let signature, !thinking.isEmpty { out.append(.thinkingSignature(signature)) }
        if let redactedData { out.append(.redactedThinking(redactedData)) }
        for group in Self.groups(text, size: chunkTokens) {
            out.append(.text(group.joined(), tokens: group.count))
        }
        for (index, call) in toolCalls.enumerated() { out.append(.toolCall(index: index, call)) }
        out.append(.finish)
        return out
    }

    private static func groups(_ pieces: [String], size: Int) -> [ArraySlice<String>] {
        stride(from: 0, to: pieces.count, by: max(1, size)).map { pieces[$0..<min($0 + max(1, size), pieces.count)] }
    }
}

/// One neutral stream event; the protocol encoders turn each into zero or more wire frames.
enum MockEvent: Sendable {
    case start
    case thinking(String, tokens: Int)
    case thinkingSignature(String)
    case redactedThinking(String)
    case text(String, tokens: Int)
    case toolCall(index: Int, MockToolCall)
    case finish
    /// An error inside a 200 stream; the stream ends after it.
    case error(PlexusError)
}

/// One tool call of the answer.
struct MockToolCall: Sendable {
    /// Provider-style id (`call_…`, `toolu_…`); empty for Gemini, which sends none.
    var id: String
    var name: String
    var arguments: JSONValue
    /// Gemini `thoughtSignature` on this functionCall part.
    var signature: String?

    /// Arguments as compact JSON text.
    var argumentsText: String { arguments.jsonString }

    /// Arguments text cut in up to three fragments, as providers stream them.
    var argumentFragments: [String] {
        let chars = Array(argumentsText)
        guard chars.count > 2 else { return [argumentsText] }
        let cut1 = chars.count / 3
        let cut2 = 2 * chars.count / 3
        return [String(chars[..<cut1]), String(chars[cut1..<cut2]), String(chars[cut2...])]
    }

    /// Output tokens this call costs.
    var tokens: Int { max(1, (name.utf8.count + argumentsText.utf8.count) / 4) }
}

/// Why the answer ended.
enum MockStop: Sendable {
    case endTurn, maxTokens, toolUse
}

/// Token counts of one answer.
struct MockUsage: Sendable {
    /// Prompt tokens (estimate: text length / 4).
    var input = 0
    /// Visible output tokens (text plus tool calls).
    var output = 0
    /// Thinking tokens.
    var reasoning = 0
}

/// One frame of a stream: an SSE event (name and data) or a JSON array element, with its token count.
struct MockFrame: Sendable {
    var event: String?
    var data: [UInt8]
    /// Output tokens this frame carries, for pacing.
    var tokens: Int = 0
    /// Tokens generated unseen before this frame (Responses reasoning without a summary), paced like `tokens`
    /// and counted before the first-token delay ends.
    var leadTokens: Int = 0
}
