import Foundation
import PlexusRouting
import Testing

/// SHA-256("abc") (FIPS 180-2, appendix B.1).
private let abcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/// Stands in for SHA-256 on the one input these tests need; other inputs get a digest nothing matches.
private let abcSHA256: KeyTable.Digest = { bytes in
    bytes == Array("abc".utf8) ? KeyConfig.digest(fromHex: abcHex) ?? [] : Array(repeating: 0, count: 32)
}

private let keysBase = "keys:\n"

@Suite struct ConfigWriteHashedKeyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func loadedDigestAuthenticatesTheMatchingSecret() throws {
        let config = try load(keysBase + "  gen:\n    secret_sha256: \(abcHex)\n    comment: generated\n")
        let key = try #require(config.key(named: "gen"))
        #expect(key.secret == "" && key.secretReference == nil)
        #expect(key.secretDigest?.count == 32 && key.secretDigest?.first == 0xba && key.secretDigest?.last == 0xad)
        let table = KeyTable(keys: config.keys, digest: abcSHA256)
        #expect(table.key(forSecret: "abc", now: now)?.name == "gen")
        #expect(table.lookup(secret: "abd", now: now) == .unknown)
        #expect(!table.isEmpty)
    }

    @Test func tableUsesTheGivenDigestForHashedKeysOnly() {
        let table = KeyTable(
            keys: [
                KeyConfig(name: "plain", secret: "sk-plain"),
                KeyConfig(name: "hashed", secret: "", secretDigest: testDigest(Array("sk-hashed".utf8))),
                KeyConfig(
                    name: "old", secret: "", secretDigest: testDigest(Array("sk-old".utf8)),
                    expiresAt: now.addingTimeInterval(-1)),
                KeyConfig(name: "blank", secret: "", secretDigest: []),
            ], digest: testDigest)
        #expect(table.key(forSecret: "sk-plain", now: now)?.name == "plain")
        #expect(table.key(forSecret: "sk-hashed", now: now)?.name == "hashed")
        #expect(table.lookup(secret: "sk-old", now: now).isExpired)
        #expect(table.lookup(secret: "", now: now) == .unknown)
        // The digest itself is not a secret that authenticates.
        let digestText = KeyConfig.hex(testDigest(Array("sk-hashed".utf8)))
        #expect(table.lookup(secret: digestText, now: now) == .unknown)
    }

    @Test(arguments: [
        (
            keysBase + "  k:\n    secret: s\n    secret_sha256: \(abcHex)\n", "keys.k.secret_sha256", 4,
            "use either 'secret' or 'secret_sha256', not both"
        ),
        (
            keysBase + "  k:\n    secret_sha256: \(abcHex)\n    secret: s\n", "keys.k.secret_sha256", 3,
            "use either 'secret' or 'secret_sha256', not both"
        ),
        (
            keysBase + "  k:\n    secret_sha256: xyz\n    secret: s\n", "keys.k.secret_sha256", 3,
            "use either 'secret' or 'secret_sha256', not both"
        ),
        (keysBase + "  k:\n    comment: neither\n", "keys.k.secret", 2, "missing required key 'secret'"),
        (
            keysBase + "  k:\n    secret_sha256: \(abcHex.uppercased())\n", "keys.k.secret_sha256", 3,
            "expected 64 lowercase hex characters (the SHA-256 digest of the secret)"
        ),
        (
            keysBase + "  k:\n    secret_sha256: \(abcHex.dropLast())\n", "keys.k.secret_sha256", 3,
            "expected 64 lowercase hex characters (the SHA-256 digest of the secret)"
        ),
        (
            keysBase + "  k:\n    secret_sha256:\n", "keys.k.secret_sha256", 3,
            "expected 64 lowercase hex characters (the SHA-256 digest of the secret)"
        ),
        (
            keysBase + "  k:\n    secret_sha256: [\(abcHex)]\n", "keys.k.secret_sha256", 3,
            "expected a string, got a list"
        ),
        (
            keysBase + "  a: { secret_sha256: \(abcHex) }\n  b: { secret_sha256: \(abcHex) }\n", "keys.b.secret_sha256",
            3, "same secret as key 'a'; secrets must be unique"
        ),
    ])
    func digestProblems(yaml: String, path: String, line: Int, message: String) {
        let found = problems(yaml)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == path)
        #expect(found.first?.line == line)
        #expect(found.first?.message == message)
    }

    @Test func validatorChecksKeysBuiltInCode() {
        var config = PlexusConfig()
        config.keys = [
            KeyConfig(name: "both", secret: "s", secretDigest: Array(repeating: 1, count: 32)),
            KeyConfig(name: "short", secret: "", secretDigest: [1, 2]),
            KeyConfig(name: "ok", secret: "", secretDigest: Array(repeating: 3, count: 32)),
        ]
        #expect(
            ConfigValidator.issues(in: config) == [
                ConfigValidator.Issue("keys.both.secret_sha256", "use either 'secret' or 'secret_sha256', not both"),
                ConfigValidator.Issue(
                    "keys.short.secret_sha256",
                    "expected 64 lowercase hex characters (the SHA-256 digest of the secret)"),
            ])
    }

    @Test(arguments: [
        (abcHex, true), (abcHex.uppercased(), false), (String(abcHex.dropLast()), false), (abcHex + "0", false),
        (String(abcHex.dropLast()) + "g", false), ("", false), (String(repeating: "0", count: 64), true),
    ])
    func hexDigests(hex: String, valid: Bool) {
        let bytes = KeyConfig.digest(fromHex: hex)
        #expect((bytes != nil) == valid)
        if let bytes { #expect(KeyConfig.hex(bytes) == hex) }
    }
}

extension KeyLookup {
    fileprivate var isExpired: Bool {
        if case .expired = self { return true }
        return false
    }
}
