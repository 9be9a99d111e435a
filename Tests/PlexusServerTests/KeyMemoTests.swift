import Foundation
import PlexusRouting
import Testing

@testable import PlexusServer

/// A connection's remembered identity: the same token under the same config, unexpired; nothing else.
@Suite("Key memo")
struct KeyMemoTests {
    static func state() throws -> GatewayState {
        GatewayState(
            config: try ConfigLoader.load(
                yaml: "keys:\n  k: { secret: s3cret }\n", environment: [:], fileName: "plexus.yaml"))
    }

    @Test func onlyTheSameTokenUnderTheSameConfigHits() throws {
        let memo = KeyMemo()
        let state = try Self.state()
        let now = Date()
        let identity = ClientIdentity(key: KeyConfig(name: "k", secret: "s3cret"))
        #expect(memo.identity(forToken: "s3cret".utf8, in: state, now: now) == nil, "nothing remembered yet")
        memo.remember(token: "s3cret".utf8, in: state, identity: identity)
        #expect(memo.identity(forToken: "s3cret".utf8, in: state, now: now) == identity)
        #expect(memo.identity(forToken: "s3creT".utf8, in: state, now: now) == nil)
        #expect(memo.identity(forToken: "s3cre".utf8, in: state, now: now) == nil)
        #expect(memo.identity(forToken: "s3cret ".utf8, in: state, now: now) == nil)
        #expect(memo.identity(forToken: "s3cret:alice".utf8, in: state, now: now) == nil, "a label is looked up")
        #expect(
            memo.identity(forToken: "s3cret".utf8, in: try Self.state(), now: now) == nil,
            "a reloaded config looks again")
    }

    /// The label comes back with the key; the same secret with another label is a different token.
    @Test func theAttributionComesBackWithTheKey() throws {
        let memo = KeyMemo()
        let state = try Self.state()
        let alice = ClientIdentity(key: KeyConfig(name: "k", secret: "s3cret"), attribution: "alice")
        memo.remember(token: "s3cret:alice".utf8, in: state, identity: alice)
        #expect(memo.identity(forToken: "s3cret:alice".utf8, in: state, now: Date())?.attribution == "alice")
        #expect(memo.identity(forToken: "s3cret:bob".utf8, in: state, now: Date()) == nil)
        #expect(memo.identity(forToken: "s3cret".utf8, in: state, now: Date()) == nil)
    }

    @Test func anExpiredKeyIsNotServed() throws {
        let memo = KeyMemo()
        let state = try Self.state()
        let expires = Date(timeIntervalSince1970: 2_000_000_000)
        let identity = ClientIdentity(key: KeyConfig(name: "k", secret: "s3cret", expiresAt: expires))
        memo.remember(token: "s3cret".utf8, in: state, identity: identity)
        #expect(memo.identity(forToken: "s3cret".utf8, in: state, now: expires.addingTimeInterval(-1)) != nil)
        #expect(memo.identity(forToken: "s3cret".utf8, in: state, now: expires) == nil)
    }
}
