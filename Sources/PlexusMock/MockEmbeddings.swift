import PlexusCore

/// The mock's embeddings: a vector derived from each input's text alone, so a test can recompute what to expect
/// (in any language) and see that the gateway kept every vector with its input, in order, whatever the protocols.
public enum MockEmbeddings {
    /// Vector length when the request asks for none.
    public static let defaultDimensions = 16
    /// The longest vector it makes (OpenAI's largest model has 3072).
    public static let maxDimensions = 4096

    /// The vector of `text`. Value i is `(k - 2^23) / 2^23`, where k is the top 24 bits of the i-th output of
    /// SplitMix64 seeded with the 64-bit FNV-1a hash of the text's UTF-8 bytes: in [-1, 1) and exact in float32.
    /// Not unit length (a mock has no use for it, and exactness is what tests need).
    public static func vector(for text: String, dimensions: Int = defaultDimensions) -> [Float] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var state = hash
        return (0..<max(1, min(dimensions, maxDimensions))).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(Int(z >> 40) - (1 << 23)) / Float(1 << 23)
        }
    }

    /// The text a token-id input is embedded as: `tokens:` and the ids joined by commas.
    public static func text(ofTokens ids: [Int]) -> String {
        "tokens:" + ids.map(String.init).joined(separator: ",")
    }

    /// The text of a Gemini content: its text parts joined by newlines (what the gateway sends an OpenAI-shaped
    /// target for a content of several parts, so both kinds of target embed the same text).
    public static func text(ofContent content: JSONValue) -> String {
        let parts = (content["parts"] ?? .null).arrayValue ?? []
        return parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// The input tokens the mock reports for a text: its words (runs without spaces), at least one. Not the
    /// gateway's bytes/4 estimate, so a test can tell a reported count from an estimated one.
    public static func tokens(of text: String) -> Int {
        max(1, text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count)
    }

    /// Little-endian float32 bytes in base64, as OpenAI's `encoding_format: base64`.
    public static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> ($0 * 8)) } }
        return MockBase64.encode(bytes)
    }
}
