import Foundation
import PlexusRouting
import Synchronization

/// The identity a connection's client proved last. A keep-alive client sends the same token with every request:
/// with the same token (compared whole, in constant time, label included) under the same config, the next request
/// skips the SHA-256 digest and the pass over every configured key (about 5k instructions). Whether a request hits
/// or misses says only whether its token is the one sent before on the same connection, which that client knows;
/// any other token goes through `KeyTable` as before.
final class KeyMemo: Sendable {
    private struct Entry: Sendable {
        let token: [UInt8]
        let state: GatewayState
        let identity: ClientIdentity
    }

    private let entry = Mutex<Entry?>(nil)

    /// The remembered identity when `token` is the remembered token under `state` and its key has not expired.
    func identity(forToken token: some Collection<UInt8>, in state: GatewayState, now: Date) -> ClientIdentity? {
        let found = entry.withLock { e -> ClientIdentity? in
            guard let e, e.state === state, KeyTable.constantTimeEquals(e.token, token) else { return nil }
            return e.identity
        }
        guard let found, !found.key.isExpired(at: now) else { return nil }
        return found
    }

    /// Remembers the identity `token` proved under `state`.
    func remember(token: some Collection<UInt8>, in state: GatewayState, identity: ClientIdentity) {
        entry.withLock { $0 = Entry(token: Array(token), state: state, identity: identity) }
    }
}
