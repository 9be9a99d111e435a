import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusUpstream

extension ProxyEngine {
    /// First-chunk gate: read the upstream's first event before answering, so an error inside a 200 fails over.
    /// `record` is copied: the gate marks the first event in it before it knows whether the attempt is kept.
    func relayStream(
        _ response: UpstreamResponse, context: AttemptContext, record: RequestRecord
    ) async -> AttemptResult {
        let plan = context.plan
        let inbound = context.inbound
        let sentAt = context.started
        var iterator = response.body.makeAsyncIterator()
        var parser = SSEParser(maxEventBytes: IR.maxAnswerBytes)
        var pending: [ByteBuffer] = []
        var pendingBytes = 0
        var firstEvents: [SSEEvent] = []
        do {
            while firstEvents.isEmpty, let chunk = try await iterator.next() {
                pending.append(chunk)
                pendingBytes += chunk.readableBytes
                firstEvents = parser.feed(chunk.readableBytesView)
                // Bounded whatever the upstream sends before its first event (comments, a line that never ends).
                if parser.overflowed || pendingBytes > parser.maxEventBytes {
                    let detail =
                        "stream sent \(pendingBytes) bytes without a whole event of at most \(parser.maxEventBytes)"
                    return .retry(
                        AttemptFailure(
                            transport: UpstreamError(.bodyTooLarge, detail), provider: plan.candidate.provider.name))
                }
            }
        } catch {
            let transport = error as? UpstreamError ?? UpstreamError(.reset, "\(error)")
            return .retry(AttemptFailure(transport: transport, provider: plan.candidate.provider.name))
        }
        if firstEvents.isEmpty { firstEvents = parser.finish() }
        guard !firstEvents.isEmpty else {
            return .retry(
                AttemptFailure(
                    transport: UpstreamError(.reset, "stream ended before any event"),
                    provider: plan.candidate.provider.name))
        }
        response.firstEventArrived()
        let mode = Self.relayMode(plan: plan, inbound: inbound)
        let translating = if case .translate = mode { true } else { false }
        var observer = UsageObserver(proto: plan.targetProtocol)
        var record = record
        let first = StreamRelay.decode(
            firstEvents, translating: translating, sentAt: sentAt, observer: &observer, record: &record)
        if let error = observer.errorEvent { return .retry(AttemptFailure(errorEvent: error)) }

        let opening = StreamRelay.Opening(
            raw: pending, events: firstEvents, decoded: first.ir, failure: first.failure, parser: parser,
            observer: observer)
        let relay = StreamRelay(
            mode: mode, context: context, box: IteratorBox(iterator), opening: opening, record: record, engine: self)
        var headers = HTTPResponses.routing(
            id: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough)
        let contentType = inbound.geminiJSONArray ? "application/json" : "text/event-stream"
        headers.append(HTTPField(name: .contentType, value: contentType))
        headers.append(HTTPField(name: .cacheControl, value: "no-cache"))
        // A client that leaves cancels the connection's task, and so the relay and the upstream call, even while
        // the upstream is silent (`GatewayHTTP1Channel`, `ConnectionWatch`).
        return .done(
            .response(
                Response(
                    status: .ok, headers: headers,
                    body: ResponseBody { writer in
                        try await relay.run(&writer)
                    })))
    }
}

extension ProxyEngine {
    /// Raw bytes when nothing needs changing; re-framed or translated otherwise.
    static func relayMode(plan: AttemptPlan, inbound: InboundRequest) -> StreamRelay.Mode {
        if plan.passthrough && !inbound.geminiJSONArray {
            return plan.targetProtocol == .chat && !inbound.clientWantsStreamUsage ? .dropUsageChunk : .raw
        }
        return .translate(
            clientModel: inbound.model, includeUsage: inbound.clientWantsStreamUsage,
            geminiJSONArray: inbound.geminiJSONArray)
    }
}
