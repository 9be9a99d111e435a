import PlexusCore
import PlexusStorage

/// Reads usage, stop reason and the first content token out of an upstream response, through the
/// protocol's own decoder, so each upstream event is decoded exactly once whether it is relayed raw or translated.
struct UsageObserver: Sendable {
    let proto: APIProtocol
    /// Made with the first stream event: a unary answer never needs one.
    private var decoder: (any StreamDecoding)?
    private(set) var tokens = UsageRecord.Tokens()
    private(set) var stopReason: String?
    private(set) var errorEvent: PlexusError?

    init(proto: APIProtocol) {
        self.proto = proto
    }

    /// Decodes one upstream event; the IR events come back for a translating relay to encode.
    /// An event the decoder cannot read is thrown: fatal when translating, ignorable when relaying raw bytes.
    mutating func decode(_ event: SSEEvent) throws(PlexusError) -> (events: [IR.StreamEvent], content: Bool) {
        makeDecoder()
        let events = try decoder!.decode(event)
        return (events, observe(events))
    }

    private mutating func makeDecoder() {
        if decoder == nil { decoder = StreamCodecs.decoder(for: proto) }
    }

    /// Whether an event may carry usage, a stop reason or an error (false only for plain content deltas), by a byte
    /// search on its data. Gemini puts usage on content chunks, so all its events count.
    func mayCarryUsageStopOrError(_ event: SSEEvent) -> Bool {
        switch proto {
        case .chat, .embeddings:
            var data = event.data
            return data.withUTF8 { bytes in
                // `"usage":null` rides on every chunk once usage is asked for: only an object counts.
                ByteSearch.contains(bytes, #""usage":{"#) || ByteSearch.contains(bytes, #""finish_reason":""#)
                    || ByteSearch.contains(bytes, #""error""#) || !ByteSearch.contains(bytes, #""delta""#)
            }
        case .messages:
            return event.event != "content_block_delta"
        case .gemini:
            return true
        case .responses:
            // Usage and errors ride on `response.completed` / `incomplete` / `failed` and `error`, never on deltas.
            return !(event.event?.hasSuffix(".delta") ?? false)
        }
    }

    /// Closes the decoder at the end of the upstream stream.
    mutating func finish() -> [IR.StreamEvent] {
        makeDecoder()
        let events = decoder!.finish()
        _ = observe(events)
        return events
    }

    /// Notes usage, stop and errors; returns true when the events carried content (for TTFT).
    private mutating func observe(_ events: [IR.StreamEvent]) -> Bool {
        var content = false
        for event in events {
            switch event {
            case .usage(let u): tokens = Self.tokens(u, from: proto)
            case .stop(let reason, _): stopReason = reason.wireName(in: proto)
            case .error(let e): errorEvent = e
            case .delta(_, .text(let t)), .delta(_, .thinking(let t)), .delta(_, .arguments(let t)):
                if !t.isEmpty { content = true }
            case .blockStart(_, .toolCall): content = true
            case .start, .blockStart, .delta, .blockStop: break
            }
        }
        return content
    }

    /// Notes usage and stop reason of a unary answer.
    mutating func observe(_ response: IR.Response) {
        observe(ResponseSummary(usage: response.usage, stopReason: response.stopReason))
    }

    /// Notes usage and stop reason read from a unary answer without decoding it.
    mutating func observe(_ summary: ResponseSummary) {
        if let u = summary.usage { tokens = Self.tokens(u, from: proto) }
        stopReason = summary.stopReason?.wireName(in: proto)
    }

    /// Anthropic does not split reasoning out of its output count: the row says unknown, not 0.
    static func tokens(_ u: IR.Usage, from proto: APIProtocol) -> UsageRecord.Tokens {
        UsageRecord.Tokens(
            input: u.input, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, output: u.output,
            reasoning: proto == .messages && u.reasoning == 0 ? nil : u.reasoning)
    }
}
