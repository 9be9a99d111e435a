import PlexusCore

/// The parts of a generation request the mock needs, decoded from any protocol.
struct MockGeneration: Sendable {
    var proto: APIProtocol
    var model: String
    var stream: Bool
    /// OpenAI `stream_options.include_usage`.
    var includeUsage = false
    /// The request's output cap, if any.
    var maxTokens: Int?
    /// Declared tools (name and JSON schema), in order.
    var tools: [MockToolSpec] = []
    var inputTokens: Int
    /// Tool results and images the conversation carries.
    var conversation = MockConversation()
    /// Hash of the body: seeds ids and words.
    var digest: UInt64
    /// Responses: what the answer echoes of the request, and what it asked to include.
    var responses: MockResponses.Echo?
}

/// A tool the client declared.
struct MockToolSpec: Sendable {
    var name: String
    var schema: JSONValue?
}

extension MockScript {
    /// Plans the answer to `request` under `behavior`; signatures are minted with `signer`.
    init(request: MockGeneration, behavior: MockBehavior, signer: MockSigner) {
        self.init(seed: request.digest, model: request.model)
        chunkTokens = behavior.chunkTokens
        thinking = MockWords.pieces(
            count: behavior.thinkingTokens, seed: request.digest ^ 0x7417_4B1A, opening: "Considering")
        let preamble = request.conversation.preambleWords
        // After tool results a model answers in text; acknowledging what arrived lets tests check it.
        let continuesTools = request.conversation.toolResults > 0
        var textCount = continuesTools ? behavior.textTokens ?? 30 : behavior.effectiveTextTokens
        if !preamble.isEmpty { textCount = max(textCount, preamble.count + 1) }
        var callCount = continuesTools ? 0 : behavior.toolCalls
        if let cap = request.maxTokens, cap < textCount + (callCount > 0 ? 1 : 0) {
            textCount = min(textCount, cap)
            callCount = 0
            stop = .maxTokens
        }
        text = MockWords.pieces(count: textCount, seed: request.digest, opening: nil, preamble: preamble)
        toolCalls = (0..<callCount).map { Self.toolCall(index: $0, request: request) }
        if behavior.forceMaxTokens {
            stop = .maxTokens
        } else if !toolCalls.isEmpty, stop != .maxTokens {
            stop = .toolUse
        }
        usage = MockUsage(
            input: request.inputTokens,
            output: text.count + toolCalls.reduce(0) { $0 + $1.tokens },
            reasoning: thinking.count)
        sign(request: request, behavior: behavior, signer: signer)
    }

    /// Mints the signatures each protocol carries.
    private mutating func sign(request: MockGeneration, behavior: MockBehavior, signer: MockSigner) {
        let nonce = UInt32(truncatingIfNeeded: seed >> 16)
        switch request.proto {
        case .chat, .embeddings:
            break
        case .responses:
            // Encrypted content of the reasoning item, minted whether or not `include` asks to show it.
            guard !thinking.isEmpty else { return }
            signature = MockResponses.encryptedContent(signer, final: true, nonce: nonce)
            signatureInProgress = MockResponses.encryptedContent(signer, final: false, nonce: nonce)
        case .messages:
            if !thinking.isEmpty { signature = signer.mint(.anthropicThinking, content: thinkingText, nonce: nonce) }
            if behavior.redactedThinking {
                redactedData = signer.mint(.anthropicRedacted, content: "redacted", nonce: nonce)
            }
        case .gemini:
            guard !thinking.isEmpty else { return }
            // Gemini signs the first part after the thoughts: the text, else the first function call.
            if text.isEmpty, !toolCalls.isEmpty {
                toolCalls[0].signature = signer.mint(.geminiPart, content: toolCalls[0].name, nonce: nonce)
            } else {
                signature = signer.mint(.geminiPart, content: "text", nonce: nonce)
            }
        }
    }

    private static func toolCall(index: Int, request: MockGeneration) -> MockToolCall {
        let seed = MockHash.combine(request.digest, UInt64(index) &+ 0x700C)
        let id: String =
            switch request.proto {
            case .chat, .embeddings, .responses: "call_" + MockHash.token(seed, length: 24)
            case .messages: "toolu_01" + MockHash.token(seed, length: 22)
            case .gemini: ""
            }
        guard !request.tools.isEmpty else {
            return MockToolCall(
                id: id, name: "get_weather",
                arguments: ["city": .string(MockArguments.samples[index % MockArguments.samples.count])])
        }
        let tool = request.tools[index % request.tools.count]
        return MockToolCall(
            id: id, name: tool.name, arguments: MockArguments.generate(schema: tool.schema, index: index))
    }
}

/// Deterministic filler words.
enum MockWords {
    static let vocabulary = [
        "the", "quick", "model", "answers", "with", "plain", "words", "while", "tokens", "flow", "through",
        "a", "gateway", "that", "routes", "each", "request", "to", "its", "upstream", "and", "back", "again",
        "streams", "arrive", "in", "small", "pieces", "so", "clients", "see", "progress", "early", "every",
        "event", "carries", "one", "token", "of", "text", "for", "testing", "latency", "throughput", "under",
        "load", "without", "surprises", "mock", "replies", "stay", "deterministic", "given", "same", "input",
        "usage", "counts", "add", "up", "across", "all", "three", "protocols", "nicely",
    ]

    /// `count` pieces: the first without a leading space, the rest with one; the last ends with ".".
    /// `preamble` words come first (as many as fit in `count`), then filler words.
    static func pieces(count: Int, seed: UInt64, opening: String?, preamble: [String] = []) -> [String] {
        guard count > 0 else { return [] }
        var out: [String] = []
        out.reserveCapacity(count)
        let start = Int(seed % UInt64(vocabulary.count))
        for i in 0..<count {
            var word =
                i < preamble.count
                ? preamble[i]
                : i == 0 ? (opening ?? capitalized(vocabulary[start])) : vocabulary[(start + i * 7) % vocabulary.count]
            if i > 0 { word = " " + word }
            if i == count - 1 { word += "." }
            out.append(word)
        }
        return out
    }

    private static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }
}
