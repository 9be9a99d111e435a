import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import PlexusMock
import PlexusRouting
import PlexusServer
import ServiceLifecycle

/// `plexus`: the gateway's command line.
@main
struct PlexusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plexus",
        abstract: "A universal LLM API gateway.",
        subcommands: [Serve.self, Mock.self, Check.self, Version.self],
        defaultSubcommand: Serve.self)

    /// Runs Swift Concurrency on NIO's event loops before anything else, so a request does not hop between the
    /// cooperative pool and the I/O threads (connections also prefer their own loop as task executor).
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options shared by commands that read a config file.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Path of plexus.yaml (default: $PLEXUS_CONFIG or ./plexus.yaml).")
    var config: String?

    var path: String { config ?? ProcessInfo.processInfo.environment["PLEXUS_CONFIG"] ?? "plexus.yaml" }

    /// Reads and validates the file; the error text is the same for `check` and `serve`.
    func load() -> Result<PlexusConfig, ConfigFileError> {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            return .failure(ConfigFileError(description: "\(path): cannot read the file"))
        }
        do {
            let config = try ConfigLoader.load(
                yaml: text, environment: ProcessInfo.processInfo.environment, fileName: path)
            return .success(config)
        } catch {
            return .failure(ConfigFileError(description: error.description))
        }
    }
}

/// A config file that could not be used, with every problem on its own line.
struct ConfigFileError: Error, CustomStringConvertible {
    var description: String
}

func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    let level = ProcessInfo.processInfo.environment["PLEXUS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .info
    return logger
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a config file and print its problems.")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        switch options.load() {
        case .success(let config):
            print(
                "\(options.path): OK (\(config.providers.count) providers, \(config.models.count) models, \(config.keys.count) keys)"
            )
        case .failure(let error):
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() async throws { print("plexus \(PlexusVersion.current)") }
}
