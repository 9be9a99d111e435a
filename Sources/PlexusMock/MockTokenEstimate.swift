import PlexusCore

/// Token estimates for prompts (about four characters per token, media at a flat rate) and a content
/// digest that ignores the stream flags, so a unary and a streamed request get the same answer.
enum MockTokenEstimate {
    /// Flat cost of one inline image or document payload (Gemini's per-image figure).
    static let mediaTokens = 258
    /// Keys that change the transport, not the answer.
    private static let transportKeys: Set<String> = ["stream", "stream_options"]

    /// Estimated prompt tokens of a request body (every string except the model name).
    static func inputTokens(of body: JSONValue) -> Int { scan(body).tokens }

    /// Prompt tokens and content digest in one walk.
    static func scan(_ body: JSONValue) -> (tokens: Int, digest: UInt64) {
        var walker = Walker()
        walker.walk(body, key: nil)
        return (max(1, (walker.chars + 3) / 4 + walker.media * mediaTokens), MockHash.mix(walker.digest))
    }

    private struct Walker {
        var chars = 0
        var media = 0
        var digest: UInt64 = 0x9E37_79B9_7F4A_7C15

        mutating func walk(_ value: JSONValue, key: String?) {
            switch value {
            case .string(let s):
                digest = MockHash.combine(digest, MockHash.hash64(s))
                if key == "model" { return }
                if key == "data" || s.hasPrefix("data:") || s.utf8.count > 16_384 { media += 1 } else { chars += s.utf8.count }
            case .array(let items):
                for item in items { walk(item, key: key) }
            case .object(let o):
                for (k, v) in o.pairs where !transportKeys.contains(k) {
                    digest = MockHash.combine(digest, MockHash.hash64(k))
                    walk(v, key: k)
                }
            case .number(let n):
                digest = MockHash.combine(digest, n.bitPattern)
            case .bool(let b):
                digest = MockHash.combine(digest, b ? 1 : 2)
            case .null:
                digest = MockHash.combine(digest, 3)
            }
        }
    }
}
