import PlexusMock
import PlexusServer
import PlexusStoragePostgres

extension GatewayParts {
    /// The parts `plexus serve` wires: the PostgreSQL store and the in-process mock.
    static var forTests: GatewayParts {
        GatewayParts(
            openPostgres: { url, logger in
                let store = try await PostgresUsageStore.open(url: url, logger: logger)
                return (store, store.service)
            },
            mockTransport: MockTransport(upstream: MockUpstream()))
    }
}
