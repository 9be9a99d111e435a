import NIOCore
import PlexusCore
import PlexusStorage
import PlexusUpstream

extension ProxyEngine {
    /// A unary answer: forwarded as is in passthrough, else decoded once and encoded for the client. What only the
    /// usage row and the routing statistics need is left to `UnaryBookkeeping`, run once the answer is written.
    func relayUnary(
        _ response: UpstreamResponse, context: AttemptContext, record: inout RequestRecord
    ) async -> AttemptResult {
        let plan = context.plan
        let buffer: ByteBuffer
        do {
            buffer = try await response.collect(upTo: IR.maxAnswerBytes)
        } catch {
            return .retry(AttemptFailure(transport: error, provider: plan.candidate.provider.name))
        }
        let readyAt = ContinuousClock.now
        record.markContent(at: readyAt, sentAt: context.started)
        if plan.passthrough, record.trace == nil {
            // The upstream's own buffer goes out unchanged; its usage is read after it left.
            let later = UnaryBookkeeping(
                engine: self, record: record, context: context, forwarded: buffer, readyAt: readyAt)
            await remember(answer: buffer.readableBytesView, turn: context.inbound.responsesTurn, requestID: record.id)
            return .done(.json(routed(record, plan, buffer), then: later))
        }
        let upstreamBytes = Array(buffer.readableBytesView)
        record.trace?.upstreamResponse(status: response.status, headers: response.headers, body: upstreamBytes)
        // Decoded once: for the usage row and, when translating, for the client's body.
        let turn = context.inbound.responsesTurn
        let decoded = Result { () throws(PlexusError) in
            try Translator.decodeResponse(upstreamBytes, from: plan.targetProtocol)
        }.identified(by: plan.passthrough ? nil : turn)
        var observer = UsageObserver(proto: plan.targetProtocol)
        if case .success(let response) = decoded { observer.observe(response) }
        let clientBytes: [UInt8]
        do {
            clientBytes = try plan.clientBody(
                upstreamBytes: upstreamBytes, decoded: decoded, clientModel: context.inbound.model)
        } catch {
            return .retry(AttemptFailure(other: error))
        }
        record.row.tokens = observer.tokens
        record.row.stopReason = observer.stopReason
        await remember(answer: clientBytes, turn: turn, requestID: record.id)
        let answer = routed(record, plan, ByteBuffer(bytes: clientBytes))
        let translatedAt = ContinuousClock.now  // the duration includes the translation
        guard let trace = record.trace else {
            return .done(
                .json(
                    answer,
                    then: UnaryBookkeeping(
                        engine: self, record: record, context: context, forwarded: nil, readyAt: translatedAt)))
        }
        // Traced: everything now, so the trace is complete when the client has its answer.
        UnaryBookkeeping.complete(&record, context: context, at: translatedAt, engine: self)
        trace.clientResponse(status: 200, body: clientBytes)
        trace.finalMessage(try? decoded.get(), clientProtocol: plan.clientProtocol, clientModel: context.inbound.model)
        commit(&record)
        return .done(.json(answer, then: nil))
    }

    private func routed(_ record: RequestRecord, _ plan: AttemptPlan, _ body: ByteBuffer) -> RoutedJSON {
        RoutedJSON(
            requestID: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough, body: body, fixedFields: plan.routingFields)
    }
}

/// What is left of a served unary request once its answer is ready: the usage of a forwarded body, the attempt,
/// the usage row, and the target's success sample. The connection loop stores the row just before it writes the
/// answer (a process killed once the client has its answer must not lose it) and settles the rest after, so only
/// what the row needs delays the client; times are those of the moment the answer was ready.
/// A class: the answer carrying it is returned through several frames, and copying the record at each cost more
/// than the bookkeeping saved.
final class UnaryBookkeeping: Sendable {
    let engine: ProxyEngine
    let record: RequestRecord
    let context: AttemptContext
    /// A forwarded (passthrough) body whose usage is still to be read; nil when it was read while translating.
    let forwarded: ByteBuffer?
    let readyAt: ContinuousClock.Instant

    init(
        engine: ProxyEngine, record: RequestRecord, context: AttemptContext, forwarded: ByteBuffer?,
        readyAt: ContinuousClock.Instant
    ) {
        self.engine = engine
        self.record = record
        self.context = context
        self.forwarded = forwarded
        self.readyAt = readyAt
    }

    /// Completes the request's bookkeeping; call once (or `storeRow` then `Settlement.run`).
    func run() {
        storeRow().run()
    }

    /// Completes and stores the usage row; returns what is left for after the answer. Call once.
    func storeRow() -> Settlement {
        var record = self.record
        if let forwarded {
            var observer = UsageObserver(proto: context.plan.targetProtocol)
            let bytes = Array(forwarded.readableBytesView)
            let proto = context.plan.targetProtocol
            if let found = Translator.summary(ofResponse: bytes, from: proto) {
                observer.observe(found)
            } else if let response = try? Translator.decodeResponse(bytes, from: proto) {
                observer.observe(response)  // not the usual shape: the full decoder still finds what it can
            }
            record.row.tokens = observer.tokens
            record.row.stopReason = observer.stopReason
        }
        Self.succeeded(&record, context: context, at: readyAt)
        engine.store(&record)
        return Settlement(engine: engine, record: record, context: context, at: readyAt)
    }

    /// The stored request's success sample for routing and what observers see (metrics, in-flight list, live
    /// event): nothing the client's answer or a restart needs.
    struct Settlement: Sendable {
        let engine: ProxyEngine
        var record: RequestRecord
        let context: AttemptContext
        let at: ContinuousClock.Instant

        consuming func run() {
            engine.succeeded(record: &record, context: context, at: at)
            engine.published(record)
        }
    }

    /// The attempt, the outcome and the success sample, as of `at`.
    static func complete(
        _ record: inout RequestRecord, context: AttemptContext, at: ContinuousClock.Instant, engine: ProxyEngine
    ) {
        succeeded(&record, context: context, at: at)
        engine.succeeded(record: &record, context: context, at: at)
    }

    /// The successful attempt and the request's outcome, as of `at`.
    private static func succeeded(_ record: inout RequestRecord, context: AttemptContext, at: ContinuousClock.Instant) {
        record.addAttempt(context.plan, status: 200, error: nil, since: context.started, at: at)
        record.finish(outcome: .success, httpStatus: 200, at: at)
    }
}
