import PlexusMock
import PlexusServer
import PlexusStoragePostgres

extension GatewayParts {
    /// What `plexus serve` runs with: the PostgreSQL store for `postgres://` URLs, the built-in mock for `mock://`.
    static var standard: GatewayParts {
        GatewayParts(
            openPostgres: { url, logger in
                let store = try await PostgresUsageStore.open(url: url, logger: logger)
                return (store, store.service)
            },
            mockTransport: MockTransport(upstream: MockUpstream()))
    }
}
