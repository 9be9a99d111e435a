import PlexusMock
import PlexusServer
import PlexusStorage
import PlexusStoragePostgres
import PlexusUpstream

extension GatewayParts {
    /// The parts the tests' gateways run with: those `plexus serve` wires (the executable's `GatewayParts.standard`,
    /// which a test bundle cannot link), with a transport and a mock of their own per gateway.
    static var forTests: GatewayParts {
        GatewayParts(
            openSQLite: { try await SQLiteUsageStore.open(path: $0, logger: $1) },
            openPostgres: { url, logger in
                let store = try await PostgresUsageStore.open(url: url, logger: logger)
                return (store, store.service)
            },
            httpTransport: HTTPTransport(),
            mockTransport: MockTransport(upstream: MockUpstream()))
    }
}
