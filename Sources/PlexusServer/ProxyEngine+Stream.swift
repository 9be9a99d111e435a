import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore
import PlexusUpstream

extension ProxyEngine {
    /// First-chunk gate: read the upstream's first event before answering, so an error inside a 200 fails over.
    func relayStream(
        _ response: UpstreamResponse, plan: AttemptPlan, inbound: InboundRequest, sentAt: ContinuousClock.Instant,
        record: RequestRecord
    ) async -> AttemptResult {
        var iterator = response.body.makeAsyncIterator()
        var parser = SSEParser()
        var pending: [ByteBuffer] = []
        var firstEvents: [SSEEvent] = []
        do {
            while firstEvents.isEmpty, let chunk = try await iterator.next() {
                pending.append(chunk)
                firstEvents = parser.feed(chunk.readableBytesView)
            }
        } catch {
            let detail = (error as? UpstreamError)?.description ?? "\(error)"
            return .retry(PlexusError(.upstream, "\(plan.candidate.provider.name): \(detail)"))
        }
        if firstEvents.isEmpty { firstEvents = parser.finish() }
        guard !firstEvents.isEmpty else {
            return .retry(PlexusError(.upstream, "\(plan.candidate.provider.name): stream ended before any event"))
        }
        let mode = Self.relayMode(plan: plan, inbound: inbound)
        let translating = if case .translate = mode { true } else { false }
        var observer = UsageObserver(proto: plan.targetProtocol)
        var record = record
        let first = StreamRelay.decode(
            firstEvents, translating: translating, sentAt: sentAt, observer: &observer, record: &record)
        if let error = observer.errorEvent { return .retry(error) }

        let opening = StreamRelay.Opening(
            raw: pending, events: firstEvents, decoded: first.ir, failure: first.failure, parser: parser,
            observer: observer)
        let relay = StreamRelay(
            mode: mode, plan: plan, box: IteratorBox(iterator), opening: opening, sentAt: sentAt, record: record,
            usage: usage, logger: logger)
        var headers = HTTPResponses.routing(
            id: record.id, provider: plan.candidate.provider.name, model: plan.candidate.target.model,
            api: plan.targetProtocol, passthrough: plan.passthrough)
        headers[.contentType] = inbound.geminiJSONArray ? "application/json" : "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return .done(Response(status: .ok, headers: headers, body: ResponseBody { writer in try await relay.run(&writer) }))
    }
}

extension ProxyEngine {
    /// Raw bytes when nothing needs changing; re-framed or translated otherwise.
    static func relayMode(plan: AttemptPlan, inbound: InboundRequest) -> StreamRelay.Mode {
        if plan.passthrough && !inbound.geminiJSONArray {
            return plan.targetProtocol == .chat && !inbound.clientWantsStreamUsage ? .dropUsageChunk : .raw
        }
        return .translate(clientModel: inbound.model, includeUsage: inbound.clientWantsStreamUsage,
                          geminiJSONArray: inbound.geminiJSONArray)
    }
}
