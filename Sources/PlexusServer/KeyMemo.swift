import Foundation
import PlexusRouting
import Synchronization

/// The key a connection's client proved last. A keep-alive client sends the same key with every request: with the
/// same secret (compared in constant time) under the same config, the next request skips the SHA-256 digest and
/// the pass over every configured key (about 5k instructions). Whether a request hits or misses says only whether
/// its secret is the one sent before on the same connection, which that client knows; any other secret goes
/// through `KeyTable` as before.
final class KeyMemo: Sendable {
    private struct Entry: Sendable {
        let secret: [UInt8]
        let state: GatewayState
        let key: KeyConfig
    }

    private let entry = Mutex<Entry?>(nil)

    /// The remembered key when `secret` is the remembered secret under `state` and the key has not expired.
    func key(forSecret secret: some Collection<UInt8>, in state: GatewayState, now: Date) -> KeyConfig? {
        let found = entry.withLock { e -> KeyConfig? in
            guard let e, e.state === state, KeyTable.constantTimeEquals(e.secret, secret) else { return nil }
            return e.key
        }
        guard let found, !found.isExpired(at: now) else { return nil }
        return found
    }

    /// Remembers the key `secret` proved under `state`.
    func remember(secret: some Collection<UInt8>, in state: GatewayState, key: KeyConfig) {
        entry.withLock { $0 = Entry(secret: Array(secret), state: state, key: key) }
    }
}
