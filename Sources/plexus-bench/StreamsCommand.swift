import ArgumentParser
import Foundation
import NIOCore
import PlexusCore
import PlexusUpstream

/// Runs `count` streams, `concurrency` at a time, and prints TTFT and per-event timings as JSON.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams", abstract: "Time streams: TTFT and time per event, as JSON.")
    @OptionGroup var target: TargetOptions
    @Option(help: "Streams to time.") var count = 30
    @Option(help: "Streams in flight at once.") var concurrency = 1
    @Option(help: "Untimed streams first (connection set-up, caches).") var warmup = 3

    func run() async throws {
        let timer = try target.timer(idleTimeout: .seconds(120))
        for _ in 0..<warmup { _ = await timer.run() }
        var timings: [StreamTiming] = []
        let total = count
        let width = max(1, concurrency)
        await withTaskGroup(of: StreamTiming.self) { group in
            var started = 0
            while started < min(width, total) {
                group.addTask { await timer.run() }
                started += 1
            }
            for await t in group {
                timings.append(t)
                if started < total {
                    group.addTask { await timer.run() }
                    started += 1
                }
            }
        }
        try await timer.transport.shutdown()
        print(Self.report(timings).jsonString)
    }

    static func report(_ timings: [StreamTiming]) -> JSONValue {
        let ok = timings.filter { $0.error == nil }
        let errors = timings.compactMap(\.error)
        let events = ok.map(\.events).sorted()
        return [
            "streams": .number(Double(ok.count)),
            "errors": .number(Double(errors.count)),
            "first_error": errors.first.map { .string($0) } ?? .null,
            "events_per_stream": events.isEmpty ? .null : .number(Double(events[events.count / 2])),
            "bytes_per_stream": ok.isEmpty ? .null : .number(Double(ok.map(\.bytes).sorted()[ok.count / 2])),
            "first_event_us": Summary.micros(ok.compactMap(\.firstEvent)),
            "ttft_us": Summary.micros(ok.compactMap(\.firstToken)),
            "per_event_us": Summary.micros(ok.compactMap(\.perEvent)),
            "total_us": Summary.micros(ok.compactMap(\.lastEvent)),
        ]
    }
}
