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

    /// Codec state of a translated stream.
    struct Codecs {
        var decoder: any StreamDecoding
        var encoder: any StreamEncoding
    }

    let mode: Mode
    let plan: AttemptPlan
    let box: IteratorBox
    let pending: [ByteBuffer]
    let firstEvents: [SSEEvent]
    let parser: SSEParser
    let sentAt: ContinuousClock.Instant
    let record: RequestRecord
    let usage: UsageWriter
    let logger: Logger

    /// Writes the stream to the client and records the request when it ends, however it ends.
    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var record = record
        var observer = UsageObserver(proto: plan.targetProtocol)
        var parser = parser
        var codecs: Codecs? = nil
        if case .translate(let model, let includeUsage, let array) = mode {
            codecs = Codecs(
                decoder: StreamCodecs.decoder(for: plan.targetProtocol),
                encoder: StreamCodecs.encoder(for: plan.clientProtocol, clientModel: model, includeUsage: includeUsage,
                                              geminiJSONArray: array))
        }
        var outcome: (UsageRecord.Outcome, Int, String?) = (.success, 200, nil)
        do {
            try await write(firstEvents, raw: pending, observer: &observer, codecs: &codecs, record: &record, writer: &writer)
            if var iterator = box.take() {
                while let chunk = try await nextChunk(&iterator) {
                    let events = parser.feed(chunk.readableBytesView)
                    try await write(events, raw: [chunk], observer: &observer, codecs: &codecs, record: &record, writer: &writer)
                }
            }
            try await write(parser.finish(), raw: [], observer: &observer, codecs: &codecs, record: &record, writer: &writer)
            if var c = codecs {
                var tail = c.encoder.encode(events: c.decoder.finish())
                tail += c.encoder.finish()
                if !tail.isEmpty { try await writer.write(ByteBuffer(bytes: tail)) }
            }
            if let error = observer.errorEvent { outcome = (.error, 200, error.message) }
        } catch let error as RelayError {
            switch error {
            case .upstream(let e):
                outcome = (.error, 200, e.message)
                let bytes = codecs.map { c in var c = c; return c.encoder.encode(.error(e)) + c.encoder.finish() }
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

    private func write(
        _ events: [SSEEvent], raw: [ByteBuffer], observer: inout UsageObserver, codecs: inout Codecs?,
        record: inout RequestRecord, writer: inout any ResponseBodyWriter
    ) async throws {
        let now = ContinuousClock.now
        var out: [UInt8] = []
        for event in events {
            if observer.observe(event: event) { record.markContent(at: now, sentAt: sentAt) }
            switch mode {
            case .raw: break
            case .dropUsageChunk:
                if !Self.isUsageOnlyChunk(event) { SSEWriter.append(event: event.event, data: event.data, into: &out) }
            case .translate:
                do {
                    out += codecs!.encoder.encode(events: try codecs!.decoder.decode(event))
                } catch {
                    if !out.isEmpty { try await writer.write(ByteBuffer(bytes: out)) }
                    throw RelayError.upstream(error)
                }
            }
        }
        switch mode {
        case .raw:
            for buffer in raw where buffer.readableBytes > 0 { try await writer.write(buffer) }
        case .dropUsageChunk, .translate:
            if !out.isEmpty { try await writer.write(ByteBuffer(bytes: out)) }
        }
    }

    /// OpenAI's trailing `choices: []` chunk that only carries usage.
    static func isUsageOnlyChunk(_ event: SSEEvent) -> Bool {
        event.data.contains("\"choices\":[]") && event.data.contains("\"usage\":{")
    }
}

extension StreamEncoding {
    /// Encodes several IR events into one buffer.
    mutating func encode(events: [IR.StreamEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for e in events { out += encode(e) }
        return out
    }
}
