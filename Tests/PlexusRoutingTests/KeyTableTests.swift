import Foundation
import PlexusRouting
import Testing

@Suite struct KeyTableTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var allKeys: [KeyConfig] {
        [
            KeyConfig(name: "laptop", secret: "sk-laptop"),
            KeyConfig(name: "old", secret: "sk-old", expiresAt: now.addingTimeInterval(-1)),
            KeyConfig(name: "soon", secret: "sk-soon", expiresAt: now.addingTimeInterval(60)),
            KeyConfig(name: "exact", secret: "sk-exact", expiresAt: now),
        ]
    }

    func table() -> KeyTable { KeyTable(keys: allKeys, digest: testDigest) }

    @Test(arguments: [
        ("sk-laptop", "valid:laptop"),
        ("sk-soon", "valid:soon"),
        ("sk-old", "expired:old"),
        ("sk-exact", "expired:exact"),
        ("sk-laptop ", "unknown"),
        ("sk-lapto", "unknown"),
        ("", "unknown"),
        ("SK-LAPTOP", "unknown"),
    ])
    func lookup(secret: String, expected: String) {
        let outcome =
            switch table().lookup(secret: secret, now: now) {
            case .valid(let key): "valid:\(key.name)"
            case .expired(let key): "expired:\(key.name)"
            case .unknown: "unknown"
            }
        #expect(outcome == expected)
    }

    @Test func keyForSecretSkipsExpiredKeys() {
        #expect(table().key(forSecret: "sk-laptop", now: now)?.name == "laptop")
        #expect(table().key(forSecret: "sk-old", now: now) == nil)
        #expect(table().key(forSecret: "sk-old", now: now.addingTimeInterval(-10))?.name == "old")
    }

    /// `SECRET:label`: the whole token first (a secret may hold a colon), then the part before the first colon.
    @Test(arguments: [
        ("sk-laptop:alice", "laptop alice"),
        ("sk-laptop:", "laptop -"),
        ("sk-laptop:a:b", "laptop a:b"),
        ("sk-laptop:ünï cödé", "laptop ünï cödé"),
        ("sk:colon", "colon -"),
        ("sk:colon:bob", "nil"),
        ("sk:bob", "nil"),
        ("sk-nobody:alice", "nil"),
        ("sk-old:alice", "nil"),
        (":alice", "nil"),
        ("sk-laptop", "laptop -"),
    ])
    func keyForToken(token: String, expected: String) {
        let table = KeyTable(
            keys: allKeys + [KeyConfig(name: "colon", secret: "sk:colon")],
            digest: testDigest)
        let found = table.key(forToken: token, now: now)
        #expect(found.map { "\($0.key.name) \($0.label.map(String.init) ?? "-")" } ?? "nil" == expected)
    }

    @Test func emptyTable() {
        let empty = KeyTable(keys: [], digest: testDigest)
        #expect(empty.isEmpty)
        #expect(empty.lookup(secret: "anything", now: now) == .unknown)
        #expect(!table().isEmpty)
    }

    @Test(arguments: [
        ([UInt8]([1, 2, 3]), [UInt8]([1, 2, 3]), true),
        ([1, 2, 3], [1, 2, 4], false),
        ([1, 2, 3], [1, 2], false),
        ([], [], true),
    ])
    func constantTimeEquals(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(KeyTable.constantTimeEquals(a, b) == equal)
    }

    @Test func builtFromLoadedConfig() throws {
        let config = try load(fullExampleYAML, fullExampleEnvironment)
        let table = KeyTable(keys: config.keys, digest: testDigest)
        let before = try #require(ConfigLoader.parseTimestamp("2026-12-31T23:59:59Z"))
        #expect(table.key(forSecret: "laptop-secret", now: before)?.name == "laptop")
        #expect(table.lookup(secret: "laptop-secret", now: before.addingTimeInterval(1)) == .expired(config.keys[0]))
    }
}
