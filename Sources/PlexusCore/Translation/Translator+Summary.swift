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
    /// as they are: each member is found by its key and only its value is parsed, instead of the whole answer
    /// (decoding it was the largest cost of a passthrough request). A key inside a string cannot match (its quotes
    /// are escaped), but one inside a tool's JSON input could: when a key occurs more than once, or the answer is
    /// not what it should be, this returns nil and the caller decodes the answer. Agrees with `decodeResponse` on
    /// every fixture (tested).
    public static func summary(ofResponse body: [UInt8], from proto: APIProtocol) -> ResponseSummary? {
        body.withUnsafeBufferPointer { bytes -> ResponseSummary? in
            do {
                switch proto {
                case .chat: return try chatSummary(bytes)
                case .messages:
                    return ResponseSummary(
                        usage: Anthropic.usage(try member(#""usage":"#, in: bytes)),
                        stopReason: try member(#""stop_reason":"#, in: bytes)?.stringValue.map(Anthropic.stopReason))
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

    private static func chatSummary(_ bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguous) -> ResponseSummary {
        if ByteSearch.contains(bytes, #""error":"#) { throw Ambiguous() }
        var stop = try member(#""finish_reason":"#, in: bytes)?.stringValue.map(OpenAI.stopReason)
        if stop == .endTurn, ByteSearch.contains(bytes, #""tool_calls":[{"#) { stop = .toolUse }
        if let refusal = try member(#""refusal":"#, in: bytes)?.stringValue, !refusal.isEmpty { stop = .refusal }
        return ResponseSummary(usage: OpenAI.usage(try member(#""usage":"#, in: bytes)), stopReason: stop)
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
