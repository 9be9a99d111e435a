import Foundation

/// The outcome of looking up a presented client key.
public enum KeyLookup: Sendable, Equatable {
    case valid(KeyConfig)
    /// The secret matched a key whose `expires_at` has passed.
    case expired(KeyConfig)
    case unknown
}

/// Client keys indexed for authentication.
///
/// Secrets are compared by digest: the table stores `digest(secret)` for every key (or the configured
/// `secret_sha256` digest as is) and compares the digest of the presented secret with each of them in constant
/// time, always visiting every key. PlexusRouting has no crypto dependency, so the caller supplies the digest
/// (the server passes SHA-256 from swift-crypto); tests may pass any function. Because digests have one length,
/// the comparison time depends on neither the secret's content nor its length.
public struct KeyTable: Sendable {
    /// Hashes secret bytes (SHA-256 in production).
    public typealias Digest = @Sendable (_ bytes: [UInt8]) -> [UInt8]

    private struct Entry: Sendable {
        var digest: [UInt8]
        var key: KeyConfig
    }

    private let entries: [Entry]
    private let digest: Digest

    public init(keys: [KeyConfig], digest: @escaping Digest) {
        self.digest = digest
        self.entries = keys.compactMap { key in
            // A `secret_sha256` key already carries the digest; it only matches when `digest` is SHA-256.
            if let stored = key.secretDigest { return stored.isEmpty ? nil : Entry(digest: stored, key: key) }
            return key.secret.isEmpty ? nil : Entry(digest: digest(Array(key.secret.utf8)), key: key)
        }
    }

    /// Whether no keys are configured (the server then refuses inference unless anonymous use is allowed).
    public var isEmpty: Bool { entries.isEmpty }

    /// The key whose secret is `secret`, telling expired keys apart.
    public func lookup(secret: String, now: Date) -> KeyLookup {
        guard !secret.isEmpty else { return .unknown }
        let presented = digest(Array(secret.utf8))
        var match: KeyConfig?
        for entry in entries where Self.constantTimeEquals(entry.digest, presented) {
            match = entry.key
        }
        guard let match else { return .unknown }
        return match.isExpired(at: now) ? .expired(match) : .valid(match)
    }

    /// The valid (known, unexpired) key for `secret`, if any.
    public func key(forSecret secret: String, now: Date) -> KeyConfig? {
        if case .valid(let key) = lookup(secret: secret, now: now) { return key }
        return nil
    }

    /// The valid key a client's token proves, and the label it carries (`SECRET:label`, CONFIG.md "Keys"). The whole
    /// token is tried first, so a secret may itself contain a colon; failing that, the part before the first colon
    /// is the secret and the rest the label (nil when empty). An unknown token costs two passes instead of one, which
    /// says only that it did not match whole. The label comes back unchecked: what a usage row takes is the
    /// server's call.
    public func key(forToken token: String, now: Date) -> (key: KeyConfig, label: Substring?)? {
        switch lookup(secret: token, now: now) {
        case .valid(let key): return (key, nil)
        case .expired: return nil
        case .unknown: break
        }
        guard let colon = token.utf8.firstIndex(of: UInt8(ascii: ":")),
            let key = key(forSecret: String(token[..<colon]), now: now)
        else { return nil }
        let label = token[token.utf8.index(after: colon)...]
        return (key, label.isEmpty ? nil : label)
    }

    /// Compares without an early exit once the lengths agree, so timing does not reveal how many leading bytes
    /// matched. Inlinable: callers in other modules get it specialised for their collections.
    @inlinable
    public static func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
