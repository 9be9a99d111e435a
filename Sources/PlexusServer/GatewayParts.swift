import Logging
import PlexusStorage
import PlexusUpstream
import ServiceLifecycle

/// The concrete parts a gateway is built with that this library does not choose itself: the executable (or a test)
/// wires them, so the server depends on the store and transport protocols, not on their implementations.
public struct GatewayParts: Sendable {
    /// Opens the usage store for a `postgres://` storage URL, with the service that runs its connections.
    public var openPostgres: @Sendable (_ url: String, _ logger: Logger) async throws -> (any UsageStore, any Service)
    /// The transport for `mock://` providers (the in-process mock upstream).
    public var mockTransport: any UpstreamTransport

    public init(
        openPostgres:
            @escaping @Sendable (_ url: String, _ logger: Logger) async throws -> (any UsageStore, any Service),
        mockTransport: any UpstreamTransport
    ) {
        self.openPostgres = openPostgres
        self.mockTransport = mockTransport
    }
}
