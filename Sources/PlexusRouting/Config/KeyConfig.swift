import Foundation

/// A client API key (`keys.NAME`).
public struct KeyConfig: Sendable, Equatable {
    public var name: String
    /// The bearer token a client sends; empty when the key is configured by `secretDigest` instead.
    public var secret: String
    /// `secret` as written when it used `${NAME}` (write-back keeps this, never the secret).
    public var secretReference: String?
    /// `secret_sha256` decoded: the digest of the secret, used as is so the secret never has to be in the file.
    public var secretDigest: [UInt8]?
    public var comment: String?
    /// Names this key may use (aliases, additional aliases, `direct/P/M`, or `direct/P/*` style prefixes);
    /// `nil` means everything.
    public var allowedModels: [String]?
    public var expiresAt: Date?
    /// Spend controls; nil when the key has none.
    public var limits: KeyLimits?

    public init(
        name: String, secret: String, secretReference: String? = nil, secretDigest: [UInt8]? = nil,
        comment: String? = nil, allowedModels: [String]? = nil, expiresAt: Date? = nil
    ) {
        self.name = name
        self.secret = secret
        self.secretReference = secretReference
        self.secretDigest = secretDigest
        self.comment = comment
        self.allowedModels = allowedModels
        self.expiresAt = expiresAt
    }

    /// Whether the key has expired at `now` (a key expires at the instant `expires_at`).
    public func isExpired(at now: Date) -> Bool {
        guard let expiresAt else { return false }
        return now >= expiresAt
    }

    static let bothSecretsMessage = "use either 'secret' or 'secret_sha256', not both"
    static let badDigestMessage = "expected 64 lowercase hex characters (the SHA-256 digest of the secret)"

    /// The bytes of a `secret_sha256` value: exactly 64 lowercase hex characters, else `nil`.
    public static func digest(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Lowercase hex of `bytes`, the form `secret_sha256` is written in.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex digits only, so each digest has exactly one spelling in the file.
    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
