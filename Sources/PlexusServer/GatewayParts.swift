import Logging
import PlexusStorage
import PlexusUpstream
import ServiceLifecycle

/// The concrete parts a gateway is built with: the executable (or a test) chooses them, so the server depends on
/// the store and transport protocols, not on their implementations.
public struct GatewayParts: Sendable {
    /// Opens the usage store in the SQLite file at a path.
    public var openSQLite: @Sendable (_ path: String, _ logger: Logger) async throws -> any UsageStore
    /// Opens the usage store for a `postgres://` storage URL, with the service that runs its connections.
    public var openPostgres: @Sendable (_ url: String, _ logger: Logger) async throws -> (any UsageStore, any Service)
    /// The transport for real upstreams.
    public var httpTransport: any PooledUpstreamTransport
    /// The transport for `mock://` providers (the in-process mock upstream).
    public var mockTransport: any UpstreamTransport

    public init(
        openSQLite: @escaping @Sendable (_ path: String, _ logger: Logger) async throws -> any UsageStore,
        openPostgres:
            @escaping @Sendable (_ url: String, _ logger: Logger) async throws -> (any UsageStore, any Service),
        httpTransport: any PooledUpstreamTransport,
        mockTransport: any UpstreamTransport
    ) {
        self.openSQLite = openSQLite
        self.openPostgres = openPostgres
        self.httpTransport = httpTransport
        self.mockTransport = mockTransport
    }
}
