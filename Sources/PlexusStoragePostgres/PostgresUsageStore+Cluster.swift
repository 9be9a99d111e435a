import Foundation
import Logging
import PlexusStorage
import PostgresNIO

extension PostgresUsageStore: ClusterStore {
    /// The NOTIFY channel: per schema, since channels are database-wide and schemas keep gateways apart.
    var channel: String { "plexus_" + (schema ?? "public").lowercased() }

    public func latestConfig() async throws -> ConfigVersion? {
        try await rows("SELECT * FROM config_versions ORDER BY version DESC LIMIT 1").first.flatMap(Self.version)
    }

    public func configVersions(limit: Int) async throws -> [ConfigVersion] {
        var s = PostgresStatement()
        let sql = "SELECT * FROM config_versions ORDER BY version DESC LIMIT \(s.bind(max(1, limit)))"
        return try await rows(s.query(sql)).compactMap(Self.version)
    }

    public func configVersion(_ version: Int) async throws -> ConfigVersion? {
        var s = PostgresStatement()
        let sql = "SELECT * FROM config_versions WHERE version = \(s.bind(version))"
        return try await rows(s.query(sql)).first.flatMap(Self.version)
    }

    public func appendConfig(_ text: String, source: String, instance: String, after: Int?) async throws
        -> ConfigVersion?
    {
        var s = PostgresStatement()
        let values = [s.bind(text), s.bind(Date().timeIntervalSince1970), s.bind(source), s.bind(instance)]
        let base = s.bind(after ?? 0)
        // The next number only while the newest is still `after`; a racing writer's insert wins the key.
        let sql = """
            INSERT INTO config_versions (version, text, created_at, source, instance)
            SELECT COALESCE(MAX(version), 0) + 1, \(values.joined(separator: ", ")) FROM config_versions
            HAVING COALESCE(MAX(version), 0) = \(base)
            ON CONFLICT (version) DO NOTHING RETURNING *
            """
        return try await rows(s.query(sql)).first.flatMap(Self.version)
    }

    public func cooldownEntries() async throws -> [String] {
        try await rows("SELECT entry FROM cooldowns").compactMap { $0.text("entry") }
    }

    /// A cooldown write is one small statement, and `ClusterSync` retries it every second: a call stuck on a dead
    /// connection is given up sooner than a usage batch, so the retry comes while the change is still news.
    static let cooldownCallLimit = Duration.seconds(3)

    public func saveCooldown(provider: String, model: String, entry: String) async throws {
        var s = PostgresStatement()
        let sql = """
            INSERT INTO cooldowns (provider, model, entry) VALUES (\(s.bind(provider)), \(s.bind(model)), \(s.bind(entry)))
            ON CONFLICT (provider, model) DO UPDATE SET entry = EXCLUDED.entry
            """
        try await write([s.query(sql)], within: Self.cooldownCallLimit)
    }

    public func deleteCooldown(provider: String?, model: String?, setBefore: Double?) async throws {
        var s = PostgresStatement()
        guard let provider, let model else {
            try await write(["DELETE FROM cooldowns"], within: Self.cooldownCallLimit)
            return
        }
        var sql = "DELETE FROM cooldowns WHERE provider = \(s.bind(provider)) AND model = \(s.bind(model))"
        if let setBefore {
            sql += " AND (entry::jsonb ->> 'setAt')::float8 <= \(s.bind(setBefore))"
        }
        try await write([s.query(sql)], within: Self.cooldownCallLimit)
    }

    public func notify(_ payload: String) async throws {
        var s = PostgresStatement()
        let sql = "SELECT pg_notify(\(s.bind(channel)), \(s.bind(payload)))"
        try await write([s.query(sql)])
    }

    public func listen(listening: @Sendable () async -> Void, receive: @Sendable (String) async -> Void) async throws {
        let channel = self.channel
        try await Self.withStoreErrors {
            try await client.withConnection { connection in
                try await connection.listen(on: channel) { notifications in
                    await listening()
                    for try await notification in notifications { await receive(notification.payload) }
                }
            }
        }
    }

    static func version(_ row: PostgresColumns) -> ConfigVersion? {
        guard let version = row.int("version"), let text = row.text("text"), let at = row.double("created_at")
        else { return nil }
        return ConfigVersion(
            version: version, text: text, createdAt: Date(timeIntervalSince1970: at), source: row.text("source") ?? "",
            instance: row.text("instance") ?? "")
    }
}
