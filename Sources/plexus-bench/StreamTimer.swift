import NIOCore
import PlexusCore
import PlexusUpstream

/// Timestamps of one stream, relative to the moment the request was sent.
struct StreamTiming: Sendable {
    /// Time to the first SSE event of any kind.
    var firstEvent: Duration?
    /// Time to the first event that carries generated text (time to first token).
    var firstToken: Duration?
    var lastEvent: Duration?
    var events = 0
    var bytes = 0
    var status = 0
    var error: String?

    /// Mean time between events after the first one.
    var perEvent: Duration? {
        guard let firstEvent, let lastEvent, events > 1 else { return nil }
        return (lastEvent - firstEvent) / (events - 1)
    }
}

/// Sends one streaming request and records when each event arrives.
struct StreamTimer: Sendable {
    let transport: HTTPTransport
    /// The longest silence in a stream.
    let idleTimeout: Duration
    let url: String
    let headers: [(String, String)]
    let body: ByteBuffer

    /// Runs one stream to its end; `onFirstEvent` fires once, when the first event arrived.
    func run(onFirstEvent: @Sendable () -> Void = {}) async -> StreamTiming {
        var timing = StreamTiming()
        let clock = ContinuousClock()
        let start = clock.now
        var parser = SSEParser()
        do {
            let request = UpstreamRequest(url: url, headers: headers, body: body)
            let response = try await transport.send(
                request, timeouts: UpstreamTimeouts(firstEvent: .seconds(3600), idle: idleTimeout))
            timing.status = response.status
            for try await chunk in response.body {
                let now = clock.now - start
                timing.bytes += chunk.readableBytes
                let events = parser.feed(chunk.readableBytesView)
                note(events, at: now, into: &timing, onFirstEvent: onFirstEvent)
            }
            note(parser.finish(), at: clock.now - start, into: &timing, onFirstEvent: onFirstEvent)
        } catch {
            timing.error = "\(error)"
        }
        if timing.status != 200 && timing.error == nil { timing.error = "HTTP \(timing.status)" }
        return timing
    }

    private func note(
        _ events: [SSEEvent], at now: Duration, into timing: inout StreamTiming,
        onFirstEvent: @Sendable () -> Void
    ) {
        guard !events.isEmpty else { return }
        if timing.firstEvent == nil {
            timing.firstEvent = now
            onFirstEvent()
        }
        if timing.firstToken == nil, events.contains(where: Self.carriesText) { timing.firstToken = now }
        timing.lastEvent = now
        timing.events += events.count
    }

    /// Whether an event of any of the three protocols carries generated text (an empty string does not count).
    static func carriesText(_ event: SSEEvent) -> Bool {
        let d = Array(event.data.utf8)
        return ["\"text_delta\"", "\"content\":\"", "\"text\":\""].contains { nonEmpty(after: Array($0.utf8), in: d) }
    }

    /// Whether `key` occurs in `bytes` followed by something other than the closing quote.
    private static func nonEmpty(after key: [UInt8], in bytes: [UInt8]) -> Bool {
        guard bytes.count > key.count else { return false }
        for i in 0...(bytes.count - key.count - 1) where bytes[i] == key[0] {
            if bytes[i..<(i + key.count)].elementsEqual(key), bytes[i + key.count] != UInt8(ascii: "\"") { return true }
        }
        return false
    }
}
