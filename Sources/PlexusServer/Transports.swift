import Logging
import PlexusRouting
import PlexusUpstream

/// The transports a gateway uses: real HTTP, and the in-process mock for `mock://` providers.
struct Transports: Sendable {
    let http: any PooledUpstreamTransport
    let mock: any UpstreamTransport

    /// The mock for a `mock://` provider (`ProviderConfig.isMock`), else real HTTP.
    func transport(mock: Bool) -> any UpstreamTransport {
        mock ? self.mock : http
    }

    func shutdown() async throws {
        try await http.shutdown()
    }
}

extension UpstreamPoolSettings {
    /// The `upstream:` section as the HTTP transport takes it.
    init(_ config: UpstreamConfig) {
        self.init(
            maxConnectionsPerHost: config.maxConnectionsPerHost, connectTimeout: .seconds(config.connectTimeoutSeconds),
            idleConnectionTimeout: .seconds(config.idleConnectionSeconds))
    }
}
