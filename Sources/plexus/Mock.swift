import ArgumentParser
import PlexusMock
import ServiceLifecycle

struct Mock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the mock upstream (OpenAI Chat Completions and Responses, Anthropic and Gemini APIs) as a real HTTP server."
    )
    @Option(help: "Listen address.") var host = "127.0.0.1"
    @Option(help: "Listen port (0 picks a free one).") var port = 9090

    func run() async throws {
        let logger = makeLogger("plexus.mock")
        // Chaos and load runs hold thousands of connections to one mock.
        OpenFilesLimit.raise(logger: logger)
        let server = MockServer(upstream: MockUpstream(), host: host, port: port, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: MockService(server: server))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// Runs a mock server as a lifecycle service.
struct MockService: Service {
    let server: MockServer
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await server.run() }
    }
}
