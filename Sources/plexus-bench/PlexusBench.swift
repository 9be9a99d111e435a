import ArgumentParser
import Foundation
import NIOCore
import PlexusUpstream

/// The benchmark's own client (issue 7): timestamps stream events and holds streams open; `scripts/bench` runs it.
@main
struct PlexusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plexus-bench",
        abstract: "Stream timing client and bare relay for scripts/bench; prints JSON.",
        subcommands: [StreamsCommand.self, HoldCommand.self, RelayCommand.self, ClientRelayCommand.self])
}

/// Where to send a streaming request: URL, headers and body, shared by the subcommands.
struct TargetOptions: ParsableArguments {
    @Option(help: "Full URL of the streaming route.") var url: String
    @Option(help: "File holding the JSON request body.") var body: String
    @Option(name: .customLong("header"), help: "A request header, 'Name: value' (repeatable).")
    var headers: [String] = []

    /// The headers as pairs, content type included.
    func headerPairs() -> [(String, String)] {
        var pairs: [(String, String)] = [("content-type", "application/json")]
        for h in headers {
            guard let colon = h.firstIndex(of: ":") else { continue }
            let value = h[h.index(after: colon)...].drop { $0 == " " }
            pairs.append((String(h[..<colon]), String(value)))
        }
        return pairs
    }

    /// A stream timer for this target, over its own transport (`idleTimeout`: the longest silence in a stream).
    func timer(idleTimeout: Duration) throws -> StreamTimer {
        let bytes = try ByteBuffer(bytes: Array(Data(contentsOf: URL(fileURLWithPath: body))))
        return StreamTimer(
            transport: HTTPTransport(), idleTimeout: idleTimeout, url: url, headers: headerPairs(), body: bytes)
    }
}
