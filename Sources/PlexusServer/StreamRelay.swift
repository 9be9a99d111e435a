import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PlexusCore
import PlexusStorage
import PlexusUpstream
import Synchronization

/// Hands the upstream body iterator from the handler (which read the first event) to the response writer.
final class IteratorBox: Sendable {
    private let iterator: Mutex<UpstreamBody.AsyncIterator?>

    init(_ iterator: sending UpstreamBody.AsyncIterator) { self.iterator = Mutex(iterator) }

    func take() -> sending UpstreamBody.AsyncIterator? { iterator.withLock { v in let t = v; v = nil; return t } }
}

/// Relays an upstream SSE stream to the client as events arrive, observing usage on the way.
struct StreamRelay: Sendable {
    /// How upstream bytes become client bytes.
    enum Mode: Sendable {
        /// Same protocol, bytes forwarded untouched.
        case raw
        /// Same protocol, events re-framed so the usage chunk the client did not ask for is dropped.
        case dropUsageChunk
        /// Upstream events decoded to IR and encoded in the client's protocol.
        case translate(clientModel: String, includeUsage: Bool, geminiJSONArray: Bool)
    }

    /// What the first-chunk gate already read and decoded; the relay sends it first.
    struct Opening: Sendable {
        var raw: [ByteBuffer]
        var events: [SSEEvent]
        var decoded: [IR.StreamEvent]
        /// An event a translation could not read, reported after what came before it.
        var failure: PlexusError?
        var parser: SSEParser
        var observer: UsageObserver
    }

    let mode: Mode
    let plan: AttemptPlan
    let box: IteratorBox
    let opening: Opening
    let sentAt: ContinuousClock.Instant
    let record: RequestRecord
    let usage: UsageWriter
    let logger: Logger

    /// Writes the stream to the client and records the request when it ends, however it ends.
    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var record = record
        var observer = opening.observer
        var parser = opening.parser
        var encoder: (any StreamEncoding)? = nil
        if case .translate(let model, let includeUsage, let array) = mode {
            encoder = StreamCodecs.encoder(
                for: plan.clientProtocol, clientModel: model, includeUsage: includeUsage, geminiJSONArray: array)
        }
        let translating = encoder != nil
        var outcome: (UsageRecord.Outcome, Int, String?) = (.success, 200, nil)
        do {
            try await write(opening.events, decoded: opening.decoded, raw: opening.raw, encoder: &encoder, writer: &writer)
            if let failure = opening.failure { throw RelayError.upstream(failure) }
            if var iterator = box.take() {
                while let chunk = try await nextChunk(&iterator) {
                    let decoded = Self.decode(
                        parser.feed(chunk.readableBytesView), translating: translating, sentAt: sentAt,
                        observer: &observer, record: &record)
                    try await write(decoded.events, decoded: decoded.ir, raw: [chunk], encoder: &encoder, writer: &writer)
                    if let failure = decoded.failure { throw RelayError.upstream(failure) }
                }
            }
            let decoded = Self.decode(
                parser.finish(), translating: translating, sentAt: sentAt, observer: &observer, record: &record)
            try await write(decoded.events, decoded: decoded.ir, raw: [], encoder: &encoder, writer: &writer)
            if let failure = decoded.failure { throw RelayError.upstream(failure) }
            try await write([], decoded: observer.finish(), raw: [], encoder: &encoder, writer: &writer)
            if var e = encoder {
                let tail = e.finish()
                if !tail.isEmpty { try await writer.write(ByteBuffer(bytes: tail)) }
            }
            if let error = observer.errorEvent { outcome = (.error, 200, error.message) }
        } catch let error as RelayError {
            switch error {
            case .upstream(let e):
                outcome = (.error, 200, e.message)
                let bytes = encoder.map { c in var c = c; return c.encode(.error(e)) + c.finish() }
                try? await writer.write(ByteBuffer(bytes: bytes ?? e.streamEvent(for: plan.clientProtocol)))
            }
        } catch {
            // Writing to the client failed: it went away. Dropping the iterator cancels the upstream call.
            outcome = (.cancelled, 499, "client disconnected")
        }
        record.row.tokens = observer.tokens
        record.row.stopReason = observer.stopReason
        record.finish(outcome: outcome.0, httpStatus: outcome.1, error: outcome.2)
        usage.record(record.row)
        try? await writer.finish(nil)
    }

    enum RelayError: Error {
        case upstream(PlexusError)
    }

    private func nextChunk(_ iterator: inout UpstreamBody.AsyncIterator) async throws(RelayError) -> ByteBuffer? {
        do {
            return try await iterator.next()
        } catch {
            let detail = (error as? UpstreamError)?.description ?? "\(error)"
            throw .upstream(PlexusError(.upstream, "\(plan.candidate.provider.name): stream broke: \(detail)"))
        }
    }

    /// Decodes events once, for the usage tap and, when translating, for the encoder. A translation stops at the
    /// first event it cannot read (`failure`), after what came before it; raw relays forward what they cannot read.
    static func decode(
        _ events: [SSEEvent], translating: Bool, sentAt: ContinuousClock.Instant, observer: inout UsageObserver,
        record: inout RequestRecord
    ) -> (events: [SSEEvent], ir: [IR.StreamEvent], failure: PlexusError?) {
        let now = ContinuousClock.now
        var ir: [IR.StreamEvent] = []
        for event in events {
            do {
                let decoded = try observer.decode(event)
                if decoded.content { record.markContent(at: now, sentAt: sentAt) }
                ir += decoded.events
            } catch {
                if translating { return (events, ir, error) }
            }
        }
        return (events, ir, nil)
    }

    private func write(
        _ events: [SSEEvent], decoded: [IR.StreamEvent], raw: [ByteBuffer], encoder: inout (any StreamEncoding)?,
        writer: inout any ResponseBodyWriter
    ) async throws {
        var out: [UInt8] = []
        switch mode {
        case .raw:
            for buffer in raw where buffer.readableBytes > 0 { try await writer.write(buffer) }
            return
        case .dropUsageChunk:
            for event in events where !Self.isUsageOnlyChunk(event) {
                SSEWriter.append(event: event.event, data: event.data, into: &out)
            }
        case .translate:
            for event in decoded { out += encoder!.encode(event) }
        }
        if !out.isEmpty { try await writer.write(ByteBuffer(bytes: out)) }
    }

    /// OpenAI's trailing `choices: []` chunk that only carries usage.
    static func isUsageOnlyChunk(_ event: SSEEvent) -> Bool {
        event.data.contains("\"choices\":[]") && event.data.contains("\"usage\":{")
    }
}
