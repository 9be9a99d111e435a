import ArgumentParser
import Foundation
import PlexusRouting
import PlexusServer
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Listen address (overrides server.host).") var host: String?
    @Option(help: "Listen port (overrides server.port).") var port: Int?

    func run() async throws {
        let logger = makeLogger("plexus")
        OpenFilesLimit.raise(logger: logger)
        let config: PlexusConfig
        switch options.load() {
        case .success(let c): config = c
        case .failure(let error):
            FileHandle.standardError.write(
                Data(("plexus: refusing to start, the config is invalid:\n" + error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let folder = URL(fileURLWithPath: options.path).deletingLastPathComponent().path
        let gateway = try await Gateway(
            config: config, configFolder: folder, configPath: options.path, parts: .standard, logger: logger)
        let app = gateway.application(host: host, port: port) { port in
            logger.info("plexus listening", metadata: ["server.port": "\(port)"])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: gateway.services(around: app).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        await gateway.shutdown()
    }
}
