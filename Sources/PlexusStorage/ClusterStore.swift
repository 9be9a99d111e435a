import Foundation

/// One stored version of `plexus.yaml` (the text as written, `${NAME}` references and all).
public struct ConfigVersion: Sendable, Equatable {
    public var version: Int
    public var text: String
    public var createdAt: Date
    /// What wrote it: `seed` (the first start's file), `api`, `file` (a hand edit) or `restore`.
    public var source: String
    /// The instance that wrote it.
    public var instance: String

    public init(version: Int, text: String, createdAt: Date, source: String, instance: String) {
        self.version = version
        self.text = text
        self.createdAt = createdAt
        self.source = source
        self.instance = instance
    }
}

/// What several gateways on one database share besides the usage log: the versioned config, cooldowns, and a
/// channel for telling each other about changes (PostgreSQL's LISTEN/NOTIFY).
public protocol ClusterStore: Sendable {
    func latestConfig() async throws -> ConfigVersion?
    /// The newest versions first, at most `limit`.
    func configVersions(limit: Int) async throws -> [ConfigVersion]
    func configVersion(_ version: Int) async throws -> ConfigVersion?
    /// Stores `text` as the version after `after` (nil: the first); nil when another writer stored that version
    /// first, so a change made on a stale base is refused rather than lost.
    func appendConfig(_ text: String, source: String, instance: String, after: Int?) async throws -> ConfigVersion?

    /// Cooldown entries as JSON, one per cooling target.
    func cooldownEntries() async throws -> [String]
    func saveCooldown(provider: String, model: String, entry: String) async throws
    /// Deletes one target's entry, or every entry when `provider` is nil; with `setBefore`, only an entry set at or
    /// before it (seconds since the Unix epoch), so a success does not delete a newer failure's cooldown.
    func deleteCooldown(provider: String?, model: String?, setBefore: Double?) async throws

    /// Sends `payload` to every instance listening (this one too).
    func notify(_ payload: String) async throws
    /// Calls `receive` with each payload sent from now on, until cancelled or the connection is lost (throws).
    /// `listening` is called once the subscription is in place.
    func listen(listening: @Sendable () async -> Void, receive: @Sendable (String) async -> Void) async throws
}
