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
    /// Chat, Messages and Responses answers are walked member by member (`Translator+SummaryScan`,
    /// `Translator+ResponsesScan`): checked whole, nothing built. Gemini's (camel or snake case, maybe inside an array) are found by key, and when
    /// a key occurs more than once (a tool's JSON input could hold one) this gives up. Nil means: decode the
    /// answer instead. Agrees with `decodeResponse` on every fixture (tested).
    public static func summary(ofResponse body: [UInt8], from proto: APIProtocol) -> ResponseSummary? {
        body.withUnsafeBufferPointer { bytes -> ResponseSummary? in
            do {
                switch proto {
                case .chat: return try scanChatSummary(bytes)
                case .messages: return try scanMessagesSummary(bytes)
                case .responses: return try scanResponsesSummary(bytes)
                case .embeddings: return nil
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

    /// A key found more than once, or a value that does not parse: decode the answer instead.
    private struct Ambiguous: Error {}

    /// The value after the only `"key":` (whitespace allowed after the colon), parsed alone; nil when absent.
    private static func member(_ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) throws(Ambiguous)
        -> JSONValue?
    {
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
