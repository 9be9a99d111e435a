/// Mints and verifies thinking signatures from content plus a per-instance secret.
///
/// A signature is base64 of `"PX" | version | purpose | nonce | digest(content) | mac`, where the mac
/// is an HMAC-like two-pass keyed hash over everything before it; the nonce makes signatures differ
/// between answers even for equal content. Verification proves the mock minted the
/// bytes (and, where the caller passes the content, that they belong to that content).
public struct MockSigner: Sendable {
    /// What a signature was minted for; part of the signed bytes, so one kind can't stand in for another.
    public enum Purpose: UInt8, Sendable {
        /// Anthropic `thinking.signature`, bound to the thinking text.
        case anthropicThinking = 1
        /// Anthropic `redacted_thinking.data`.
        case anthropicRedacted = 2
        /// Gemini `thoughtSignature`, bound to the part (function name, or "text").
        case geminiPart = 3
        /// OpenAI Responses reasoning `encrypted_content`, bound to whether the item was finished (see `MockResponses`).
        case responsesReasoning = 4
    }

    /// Result of checking one signature.
    public enum Verdict: Sendable, Equatable {
        case valid
        /// Not base64 of our layout, or a mac mismatch: foreign or altered bytes.
        case notMinted
        /// Minted here, but for other content or another purpose.
        case wrongContent
    }

    private static let magic: [UInt8] = [0x50, 0x58, 0x01]
    private let innerKey: [UInt8]
    private let outerKey: [UInt8]

    public init(secret: String) {
        // Stretch the secret into a 64-byte key, then derive HMAC-style inner and outer pads.
        var key: [UInt8] = []
        for lane in 0..<8 { key += MockHash.bytes(MockHash.hash64(secret, seed: UInt64(lane) &+ 0x5EC2E7)) }
        innerKey = key.map { $0 ^ 0x36 }
        outerKey = key.map { $0 ^ 0x5C }
    }

    /// A signature for `content`, the same every time for the same secret, purpose, content and nonce.
    public func mint(_ purpose: Purpose, content: String, nonce: UInt32 = 0) -> String {
        var body = Self.magic
        body.append(purpose.rawValue)
        body += MockHash.bytes(UInt64(nonce)).prefix(4)
        body += MockHash.bytes(MockHash.hash64(content, seed: UInt64(purpose.rawValue)))
        return MockBase64.encode(body + mac(body))
    }

    /// Checks a signature; with `content` nil only authenticity is checked.
    public func verify(_ signature: String, purpose: Purpose, content: String?) -> Verdict {
        // Gemini signatures are protobuf `bytes`: clients (google-genai) may send them URL-safe or unpadded.
        let decoded = purpose == .geminiPart ? MockBase64.decodeLenient(signature) : MockBase64.decode(signature)
        guard let bytes = decoded, bytes.count == 32,
            Array(bytes[0..<3]) == Self.magic
        else { return .notMinted }
        let body = Array(bytes[0..<16])
        guard constantTimeEqual(Array(bytes[16...]), mac(body)) else { return .notMinted }
        guard body[3] == purpose.rawValue else { return .wrongContent }
        if let content {
            let digest = MockHash.bytes(MockHash.hash64(content, seed: UInt64(purpose.rawValue)))
            guard Array(body[8..<16]) == digest else { return .wrongContent }
        }
        return .valid
    }

    /// 16-byte keyed digest: two lanes of hash(outer | hash(inner | message)).
    private func mac(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for lane: UInt64 in 0..<2 {
            let inner = MockHash.hash64(innerKey + message, seed: lane)
            out += MockHash.bytes(MockHash.hash64(outerKey + MockHash.bytes(inner), seed: lane))
        }
        return out
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
