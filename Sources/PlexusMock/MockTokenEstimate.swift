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
        let digest = walker.walk(body, key: nil)
        return (max(1, (walker.chars + 3) / 4 + walker.media * mediaTokens), MockHash.mix(digest))
    }

    private struct Walker {
        var chars = 0
        var media = 0

        /// The digest of `value`; object members are combined order-independently, since SDKs write the same
        /// request with its keys in different orders (anthropic's `create` and `stream` do).
        mutating func walk(_ value: JSONValue, key: String?) -> UInt64 {
            switch value {
            case .string(let s):
                if key != "model" {
                    if key == "data" || s.hasPrefix("data:") || s.utf8.count > 16_384 {
                        media += 1
                    } else {
                        chars += s.utf8.count
                    }
                }
                return MockHash.hash64(s)
            case .array(let items):
                var digest: UInt64 = 0xA11A_7000
                for item in items { digest = MockHash.combine(digest, walk(item, key: key)) }
                return digest
            case .object(let o):
                var sum: UInt64 = 0x0B1E_C700
                for (k, v) in o.pairs where !transportKeys.contains(k) {
                    sum &+= MockHash.combine(MockHash.hash64(k), walk(v, key: k))
                }
                return MockHash.mix(sum)
            case .number(let n):
                return MockHash.mix(n.bitPattern)
            case .bool(let b):
                return b ? 1 : 2
            case .null:
                return 3
            }
        }
    }
}
