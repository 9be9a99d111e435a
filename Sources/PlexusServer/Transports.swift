import Logging
import PlexusMock
import PlexusRouting
import PlexusUpstream

/// The transports a gateway uses: real HTTP, and the in-process mock for `mock://` providers.
struct Transports: Sendable {
    let http: HTTPTransport
    let mock: MockTransport

    init(logger: Logger) {
        http = HTTPTransport()
        mock = MockTransport(upstream: MockUpstream())
    }

    func transport(for provider: ProviderConfig) -> any UpstreamTransport {
        provider.isMock ? mock : http
    }

    func shutdown() async throws {
        try await http.shutdown()
    }
}
