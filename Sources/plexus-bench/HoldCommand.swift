import ArgumentParser
import Foundation
import NIOCore
import PlexusCore
import PlexusUpstream
import Synchronization

/// Opens many slow streams at once and keeps them open, for memory figures under concurrent streams.
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Open N streams, print a 'ready' JSON line once every one has its first event, hold, then stop.")
    @OptionGroup var target: TargetOptions
    @Option(help: "Streams to hold open.") var streams = 1000
    @Option(help: "Seconds to keep them open after the last one opened.") var seconds = 10.0
    @Option(help: "Seconds to wait for all streams to open.") var openTimeout = 60.0

    func run() async throws {
        let timer = try target.timer(idleTimeout: .seconds(600))
        let opened = Counter()
        let started = ContinuousClock.now
        let (wanted, openTimeout, hold) = (streams, openTimeout, seconds)
        let results = await withTaskGroup(of: StreamTiming?.self) { group in
            for _ in 0..<wanted {
                group.addTask { await timer.run { opened.increment() } }
            }
            group.addTask {
                await Self.report(
                    opened: opened, target: wanted, started: started, openTimeout: openTimeout, hold: hold)
                return nil
            }
            // The reporter returns after the hold: stop every stream then.
            var out: [StreamTiming] = []
            while let next = await group.next() {
                guard let timing = next else {
                    group.cancelAll()
                    continue
                }
                out.append(timing)
            }
            return out
        }
        try? await timer.transport.shutdown()
        let failed = results.filter { $0.error != nil && $0.firstEvent == nil }.count
        Self.emit(["done": true, "failed_before_open": .number(Double(failed))])
    }

    /// Prints `ready` once all streams opened (or the open timeout passed), then waits out the hold.
    static func report(
        opened: Counter, target: Int, started: ContinuousClock.Instant,
        openTimeout: Double, hold: Double
    ) async {
        while opened.value < target, ContinuousClock.now - started < .seconds(openTimeout) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        emit(["ready": true, "opened": .number(Double(opened.value)), "open_ms": .number(Summary.round2(ms))])
        try? await Task.sleep(for: .seconds(hold))
    }

    /// One JSON line on stdout, unbuffered, so the script sees `ready` while the streams are still open.
    static func emit(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.jsonString + "\n").utf8))
    }
}

/// How many streams have their first event.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
