/// Usage and stop reason of a unary answer, read without decoding the answer.
public struct ResponseSummary: Sendable, Equatable {
    public var usage: IR.Usage?
    public var stopReason: IR.StopReason?

    public init(usage: IR.Usage?, stopReason: IR.StopReason?) {
        self.usage = usage
        self.stopReason = stopReason
    }
}

extension Translator {
    /// Usage and stop reason of an upstream's unary answer in `proto`, for a passthrough that forwards the bytes
    /// as they are, without decoding the answer (that was the largest cost of a passthrough request).
    /// Chat and Messages answers are parsed with a `JSONPick`: checked whole, but only the members the decoder
    /// reads for these are built. Gemini's (camel or snake case, maybe inside an array) are found by key, and when
    /// a key occurs more than once (a tool's JSON input could hold one) this gives up. Nil means: decode the
    /// answer instead. Agrees with `decodeResponse` on every fixture (tested).
    public static func summary(ofResponse body: [UInt8], from proto: APIProtocol) -> ResponseSummary? {
        body.withUnsafeBufferPointer { bytes -> ResponseSummary? in
            do {
                switch proto {
                case .chat: return chatSummary(try JSONValue(parsing: bytes, pick: chatPick, maxDepth: 64))
                case .messages:
                    let o = try JSONValue(parsing: bytes, pick: messagesPick, maxDepth: 64)
                    if o["type"]?.stringValue == "error" { return nil }
                    return ResponseSummary(usage: Anthropic.usage(o["usage"]),
                                           stopReason: o["stop_reason"]?.stringValue.map(Anthropic.stopReason))
                case .gemini:
                    let sawCall = ByteSearch.contains(bytes, #""functionCall":"#)
                    let finish = try member(#""finishReason":"#, in: bytes)?.stringValue
                    return ResponseSummary(
                        usage: Gemini.usage(try member(#""usageMetadata":"#, in: bytes)),
                        stopReason: finish.map { Gemini.stopReason($0, sawCall: sawCall) })
                }
            } catch {
                return nil
            }
        }
    }

    /// What the chat summary reads: usage, and the first choice's finish reason, refusal and tool calls.
    private static let chatPick = JSONPick.members([
        "error": .all, "usage": OpenAI.usagePick,
        "choices": .elements(.members([
            "finish_reason": .all, "message": .members(["refusal": .all, "tool_calls": .all, "function_call": .all]),
        ])),
    ])
    private static let messagesPick = JSONPick.members(["type": .all, "usage": Anthropic.usagePick, "stop_reason": .all])

    /// As `OpenAI.ResponseDecoder` reads them (nil for an error body, which the decoder turns into an error).
    private static func chatSummary(_ o: JSONValue) -> ResponseSummary? {
        if case .object = o["error"] { return nil }
        guard case .object = o else { return nil }
        let choice = o["choices"]?.arrayValue?.first
        let message = choice?["message"]
        var stop = choice?["finish_reason"]?.stringValue.map(OpenAI.stopReason)
        if message?["refusal"]?.stringValue?.isEmpty == false { stop = .refusal }
        let calls = !(message?["tool_calls"]?.arrayValue ?? []).isEmpty
        let legacyCall = if case .object = message?["function_call"] { true } else { false }
        if stop == .endTurn, calls || legacyCall { stop = .toolUse }
        return ResponseSummary(usage: OpenAI.usage(o["usage"]), stopReason: stop)
    }

    /// A key found more than once, or a value that does not parse: decode the answer instead.
    private struct Ambiguous: Error {}

    /// The value after the only `"key":` (whitespace allowed after the colon), parsed alone; nil when absent.
    private static func member(_ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguous) -> JSONValue? {
        guard let at = ByteSearch.firstOffset(of: key, in: bytes) else { return nil }
        let start = at + key.utf8CodeUnitCount
        if ByteSearch.firstOffset(of: key, in: bytes, from: start) != nil { throw Ambiguous() }
        var parser = JSONByteParser(bytes: bytes, maxDepth: 64)
        parser.i = start
        parser.skipWhitespace()
        do {
            return try parser.parseValue()
        } catch {
            throw Ambiguous()
        }
    }
}
