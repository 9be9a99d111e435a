import PlexusMock
import PlexusServer
import PlexusStorage
import PlexusStoragePostgres
import PlexusUpstream

extension GatewayParts {
    /// What `plexus serve` runs with: SQLite or PostgreSQL for the usage log, AsyncHTTPClient for real upstreams,
    /// the built-in mock for `mock://` providers.
    static var standard: GatewayParts {
        GatewayParts(
            openSQLite: { path, logger in try await SQLiteUsageStore.open(path: path, logger: logger) },
            openPostgres: { url, logger in
                let store = try await PostgresUsageStore.open(url: url, logger: logger)
                return (store, store.service)
            },
            httpTransport: HTTPTransport(),
            mockTransport: MockTransport(upstream: MockUpstream()))
    }
}
