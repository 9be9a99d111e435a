import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage
import PlexusUpstream
import Synchronization

/// Hands the upstream body iterator from the handler (which read the first event) to the response writer.
final class IteratorBox: Sendable {
    private let iterator: Mutex<UpstreamBody.AsyncIterator?>

    init(_ iterator: sending UpstreamBody.AsyncIterator) { self.iterator = Mutex(iterator) }

    func take() -> sending UpstreamBody.AsyncIterator? {
        iterator.withLock { v in
            let t = v
            v = nil
            return t
        }
    }
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
    let context: AttemptContext
    let box: IteratorBox
    let opening: Opening
    let record: RequestRecord
    /// Records the request and reports the target's outcome when the stream ends.
    let engine: ProxyEngine

    var plan: AttemptPlan { context.plan }
    var sentAt: ContinuousClock.Instant { context.started }

    /// Writes the stream to the client and records the request when it ends, however it ends.
    // `@concurrent`, as Hummingbird's writer methods are: the writer is not Sendable, so it cannot cross from the
    // caller's isolation to theirs.
    @concurrent func run(_ writer: inout any ResponseBodyWriter) async throws {
        var record = record
        var observer = opening.observer
        var parser = opening.parser
        var encoder: (any StreamEncoding)? = nil
        if case .translate(let model, let includeUsage, let array) = mode {
            encoder = StreamCodecs.encoder(
                for: plan.clientProtocol, clientModel: model, includeUsage: includeUsage, geminiJSONArray: array)
        }
        let translating = encoder != nil
        var capture = ResponsesCapture(context.inbound.responsesTurn)
        var ending = Ending.completed
        var held = opening.decoded.heldBytes
        do {
            try await write(
                opening.events, decoded: opening.decoded, raw: opening.raw, encoder: &encoder, capture: &capture,
                writer: &writer)
            if let failure = opening.failure { throw RelayError.upstream(failure) }
            if var iterator = box.take() {
                while let chunk = try await nextChunk(&iterator) {
                    let decoded = Self.decode(
                        parser.feed(chunk.readableBytesView), translating: translating, sentAt: sentAt,
                        observer: &observer, record: &record)
                    try hold(decoded.ir, in: &held)
                    try await write(
                        decoded.events, decoded: decoded.ir, raw: [chunk], encoder: &encoder, capture: &capture,
                        writer: &writer)
                    if let failure = decoded.failure { throw RelayError.upstream(failure) }
                    if parser.overflowed { throw RelayError.upstream(overflow(parser.maxEventBytes)) }
                }
            }
            let decoded = Self.decode(
                parser.finish(), translating: translating, sentAt: sentAt, observer: &observer, record: &record)
            try hold(decoded.ir, in: &held)
            try await write(
                decoded.events, decoded: decoded.ir, raw: [], encoder: &encoder, capture: &capture, writer: &writer)
            if let failure = decoded.failure { throw RelayError.upstream(failure) }
            try await write(
                [], decoded: observer.finish(), raw: [], encoder: &encoder, capture: &capture, writer: &writer)
            if encoder != nil {
                let tail = encoder!.finish()
                await store(encoder!, capture: &capture)
                try await Self.write(tail, thenMoreOf: &encoder!, to: &writer)
            }
            if let error = observer.errorEvent { ending = .errorEvent(error) }
        } catch let error as RelayError {
            switch error {
            case .upstream(let e):
                ending = .broke(e)
                if encoder != nil {
                    let last = encoder!.encode(.error(e))
                    await store(encoder!, capture: &capture)
                    try? await Self.write(last, thenMoreOf: &encoder!, to: &writer)
                    try? await Self.write(encoder!.finish(), thenMoreOf: &encoder!, to: &writer)
                } else {
                    // Relayed raw, the client holds the unfinished line too: a blank line ends it before the error.
                    let cut: [UInt8] = if parser.overflowed, case .raw = mode { [0x0A, 0x0A] } else { [] }
                    try? await writer.write(ByteBuffer(bytes: cut + e.streamEvent(for: plan.clientProtocol)))
                }
            }
        } catch {
            // Writing failed or the inbound side closed: the client went away. Dropping the iterator cancels the
            // upstream call.
            ending = .cancelled
        }
        record.row.tokens = observer.tokens
        record.row.stopReason = observer.stopReason
        finish(ending, record: &record)
        try? await writer.finish(nil)
    }

    /// How a started stream ended.
    enum Ending {
        case completed
        /// The upstream sent an error event after content had gone out.
        case errorEvent(PlexusError)
        /// The upstream connection broke or sent something unreadable.
        case broke(PlexusError)
        case cancelled
    }

    /// Writes the usage row and tells routing how the target did.
    private func finish(_ ending: Ending, record: inout RequestRecord) {
        switch ending {
        case .completed:
            record.addAttempt(plan, status: 200, error: nil, since: sentAt)
            record.finish(outcome: .success, httpStatus: 200)
            engine.succeeded(record: &record, context: context)
        case .errorEvent(let error), .broke(let error):
            record.addAttempt(plan, status: 200, error: error.message, since: sentAt)
            record.finish(outcome: .error, httpStatus: 200, error: error.message)
            let sample = PerformanceSample(
                at: RoutingState.now(), ttftMs: record.row.ttftMs, tokensPerSecond: nil,
                durationMs: RequestRecord.milliseconds(.now - sentAt), outputTokens: record.row.tokens.output ?? 0,
                success: false)
            let reason: CooldownReason = if case .errorEvent = ending { .errorEvent } else { .reset }
            engine.coolDown(
                plan.candidate.target, reason: reason, retryAfter: nil,
                config: context.snapshot.config.cooldown, sample: sample)
        case .cancelled:
            record.addAttempt(plan, status: 200, error: "client disconnected", since: sentAt)
            record.finish(outcome: .cancelled, httpStatus: 499, error: "client disconnected")
        }
        record.trace?.finalMessage(nil, clientProtocol: plan.clientProtocol, clientModel: context.inbound.model)
        engine.commit(&record)
    }

    enum RelayError: Error {
        case upstream(PlexusError)
    }

    /// Counts what the decoded events may make the translation keep, and ends the stream past the bound: an
    /// upstream that never stops (valid events without end) must not grow the gateway without end. A raw relay
    /// decodes only the events the usage tap needs, so only a translated or traced stream comes near it.
    private func hold(_ events: [IR.StreamEvent], in held: inout Int) throws(RelayError) {
        held += events.heldBytes
        guard held > IR.maxAnswerBytes else { return }
        let provider = plan.candidate.provider.name
        throw .upstream(PlexusError(.upstream, "\(provider): stream answer over \(IR.maxAnswerBytes) bytes"))
    }

    private func overflow(_ limit: Int) -> PlexusError {
        PlexusError(.upstream, "\(plan.candidate.provider.name): stream event over \(limit) bytes")
    }

    private func nextChunk(_ iterator: inout UpstreamBody.AsyncIterator) async throws -> ByteBuffer? {
        do {
            return try await iterator.next()
        } catch {
            // Cancelled because the client left: not the upstream's fault.
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            let upstream = error as? UpstreamError ?? UpstreamError(.reset, "\(error)")
            let provider = plan.candidate.provider.name
            if upstream.code == .idleTimeout {
                throw RelayError.upstream(PlexusError(.timeout, "\(provider): stream stalled: \(upstream.detail)"))
            }
            throw RelayError.upstream(PlexusError(.upstream, "\(provider): stream broke: \(upstream.description)"))
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
        // Relaying bytes as they are, the tap needs only the first content, usage, stop and errors: the content
        // deltas in between are not decoded (that was most of a raw relay's cost per event), only timed.
        let everyEvent = translating || record.trace != nil
        for event in events {
            if !everyEvent, record.firstTokenAt != nil, !observer.mayCarryUsageStopOrError(event) {
                record.markContent(at: now, sentAt: sentAt)
                continue
            }
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

    @concurrent private func write(
        _ events: [SSEEvent], decoded: [IR.StreamEvent], raw: [ByteBuffer], encoder: inout (any StreamEncoding)?,
        capture: inout ResponsesCapture?, writer: inout any ResponseBodyWriter
    ) async throws {
        var out: [UInt8] = []
        if let trace = record.trace { trace.upstreamEvents(events, decoded: decoded) }
        switch mode {
        case .raw:
            if capture != nil, let response = capture?.response(in: events) {
                await engine.remember(response: response, turn: capture!.turn, requestID: record.id)
            }
            for buffer in raw where buffer.readableBytes > 0 {
                record.trace?.clientBytes(Array(buffer.readableBytesView))
                try await writer.write(buffer)
            }
            return
        case .dropUsageChunk:
            for event in events where !Self.isUsageOnlyChunk(event) {
                SSEWriter.append(event: event.event, data: event.data, into: &out)
            }
        case .translate:
            let turn = capture?.turn
            for event in decoded {
                out += encoder!.encode(event.identified(by: turn))
                if capture != nil { await store(encoder!, capture: &capture) }
                while let more = encoder!.more() {
                    try await send(out, to: &writer)
                    out = more
                }
            }
        }
        try await send(out, to: &writer)
    }

    /// Writes a translation's bytes, and keeps them in the trace.
    @concurrent private func send(_ bytes: [UInt8], to writer: inout any ResponseBodyWriter) async throws {
        guard !bytes.isEmpty else { return }
        record.trace?.clientBytes(bytes)
        try await Self.write(bytes, to: &writer)
    }

    /// Writes `first`, then what the encoder still holds of the call that returned it.
    @concurrent private static func write(
        _ first: [UInt8], thenMoreOf encoder: inout any StreamEncoding, to writer: inout any ResponseBodyWriter
    ) async throws {
        try await write(first, to: &writer)
        while let more = encoder.more() { try await write(more, to: &writer) }
    }

    /// Writes bytes, a megabyte at a time when there are more: the writer waits while the client is behind, so a
    /// translation's large closing events (a Responses client's whole text, repeated) are not all copied at once.
    @concurrent private static func write(_ bytes: [UInt8], to writer: inout any ResponseBodyWriter) async throws {
        let piece = 1 << 20
        var start = 0
        while start < bytes.count {
            let end = min(start + piece, bytes.count)
            try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        }
    }

    /// Stores the response a translation's encoder ended with, before its last event is written.
    private func store(_ encoder: any StreamEncoding, capture: inout ResponsesCapture?) async {
        guard capture != nil, let response = capture?.response(from: encoder) else { return }
        await engine.remember(response: response, turn: capture!.turn, requestID: record.id)
    }

    /// OpenAI's trailing `choices: []` chunk that only carries usage (a byte search: it runs on every event).
    static func isUsageOnlyChunk(_ event: SSEEvent) -> Bool {
        var data = event.data
        return data.withUTF8 { bytes in
            ByteSearch.contains(bytes, #""choices":[]"#) && ByteSearch.contains(bytes, #""usage":{"#)
        }
    }
}
