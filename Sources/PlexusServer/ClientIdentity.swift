import Foundation
import PlexusCore
import PlexusRouting

/// Who sent a request: the key its token proved, and the attribution the token carried after the secret
/// (`SECRET:alice`, CONFIG.md "Keys"), which the usage row keeps for per-user reports. The attribution is not a
/// secret; the secret part of the token is never kept beyond the connection's `KeyMemo`.
struct ClientIdentity: Sendable, Equatable {
    let key: KeyConfig
    let attribution: String?

    init(key: KeyConfig, attribution: String? = nil) {
        self.key = key
        self.attribution = attribution
    }

    /// The longest attribution a usage row takes, in UTF-8 bytes.
    static let maxAttributionBytes = 200

    /// The identity `token` proves among `keys`, nil when it proves none. A label that is too long or holds control
    /// characters is refused (400) rather than cut: a report must not merge two users, nor a log line be forged.
    static func identify(_ token: String, keys: KeyTable, now: Date) throws(PlexusError) -> ClientIdentity? {
        guard let found = keys.key(forToken: token, now: now) else { return nil }
        guard let label = found.label else { return ClientIdentity(key: found.key) }
        guard label.utf8.count <= maxAttributionBytes,
            !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw PlexusError(
                .invalidRequest,
                "the label after the API key's ':' must be at most "
                    + "\(maxAttributionBytes) bytes without control characters")
        }
        return ClientIdentity(key: found.key, attribution: String(label))
    }
}
