import Foundation
import PlexusRouting
import Testing
@testable import PlexusServer

/// A connection's remembered key: the same secret under the same config, unexpired; nothing else.
@Suite("Key memo")
struct KeyMemoTests {
    static func state() throws -> GatewayState {
        GatewayState(config: try ConfigLoader.load(
            yaml: "keys:\n  k: { secret: s3cret }\n", environment: [:], fileName: "plexus.yaml"))
    }

    @Test func onlyTheSameSecretUnderTheSameConfigHits() throws {
        let memo = KeyMemo()
        let state = try Self.state()
        let now = Date()
        let key = KeyConfig(name: "k", secret: "s3cret")
        #expect(memo.key(forSecret: "s3cret".utf8, in: state, now: now) == nil, "nothing remembered yet")
        memo.remember(secret: "s3cret".utf8, in: state, key: key)
        #expect(memo.key(forSecret: "s3cret".utf8, in: state, now: now) == key)
        #expect(memo.key(forSecret: "s3creT".utf8, in: state, now: now) == nil)
        #expect(memo.key(forSecret: "s3cre".utf8, in: state, now: now) == nil)
        #expect(memo.key(forSecret: "s3cret ".utf8, in: state, now: now) == nil)
        #expect(memo.key(forSecret: "s3cret".utf8, in: try Self.state(), now: now) == nil, "a reloaded config looks again")
    }

    @Test func anExpiredKeyIsNotServed() throws {
        let memo = KeyMemo()
        let state = try Self.state()
        let expires = Date(timeIntervalSince1970: 2_000_000_000)
        memo.remember(secret: "s3cret".utf8, in: state, key: KeyConfig(name: "k", secret: "s3cret", expiresAt: expires))
        #expect(memo.key(forSecret: "s3cret".utf8, in: state, now: expires.addingTimeInterval(-1)) != nil)
        #expect(memo.key(forSecret: "s3cret".utf8, in: state, now: expires) == nil)
    }
}
