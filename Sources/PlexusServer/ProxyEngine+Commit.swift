import Foundation
import PlexusCore
import PlexusRouting
import PlexusStorage

extension ProxyEngine {
    /// Ends a request's bookkeeping, once: cost, usage row, error row, trace, metrics and the live event.
    func commit(_ record: inout RequestRecord) {
        store(&record)
        published(record)
    }

    /// The part of `commit` that must precede the answer's last byte: cost, limits released, and the rows
    /// (the usage row journaled as it is queued).
    func store(_ record: inout RequestRecord) {
        if let candidate = record.candidate { record.row.cost = cost(of: record.row.tokens, on: candidate) }
        releaseLimits(&record)
        let row = record.row
        if row.outcome == .error {
            usage.error(
                ErrorRecord(
                    requestID: row.requestID, at: Date(), provider: row.provider, model: row.upstreamModel,
                    status: row.attempts.last?.status ?? row.httpStatus, message: row.errorText ?? "error",
                    excerpt: record.errorExcerpt))
        }
        if let document = traceDocument(for: record) {
            usage.trace(
                TraceRecord(
                    requestID: row.requestID, startedAt: row.startedAt, keyName: row.keyName, alias: row.alias,
                    provider: row.provider, status: row.outcome, body: document.jsonString))
        }
        usage.record(row)
    }

    /// The part of `commit` only observers see, which may follow the answer: the in-flight list, the metrics and
    /// the live event.
    func published(_ record: RequestRecord) {
        let row = record.row
        inFlight.remove(row.requestID)
        metrics.finished(row)
        if events.hasSubscribers { events.publish(.requestFinished(row.json(hasTrace: record.trace != nil))) }
    }

    /// USD by token kind, or nil when the target is unpriced (unknown, not zero).
    func cost(of tokens: UsageRecord.Tokens, on candidate: Candidate) -> UsageRecord.Cost? {
        let counts = TokenCounts(
            input: tokens.input ?? 0, cacheRead: tokens.cacheRead ?? 0, cacheWrite: tokens.cacheWrite ?? 0,
            output: tokens.output ?? 0, reasoning: tokens.reasoning ?? 0)
        let prices = routing.openRouterPrices.withLock { $0 }
        guard
            let c = CostCalculator.cost(
                counts, pricing: candidate.pricing, discount: candidate.provider.discount, openRouter: { prices[$0] })
        else { return nil }
        return UsageRecord.Cost(
            input: c.input, cacheRead: c.cacheRead, cacheWrite: c.cacheWrite, output: c.output, reasoning: c.reasoning,
            total: c.total)
    }

    /// The full trace when capture was on; on a failure with `capture_on_error`, what is known without it.
    private func traceDocument(for record: RequestRecord) -> JSONValue? {
        if let trace = record.trace { return trace.document(requestID: record.id) }
        guard record.row.outcome == .error, capture.current.captureOnError, let body = record.clientBody else {
            return nil
        }
        return [
            "request_id": .string(record.id), "captured": "on_error",
            "client_request": ["body": TraceCapture.body(body)],
            "upstream_request": record.upstreamBody.map { ["body": TraceCapture.body(Array($0.readableBytesView))] }
                ?? .null,
            "upstream_response": [
                "status": record.row.attempts.last?.status.map { .number(Double($0)) } ?? .null,
                "body": record.errorExcerpt.map(JSONValue.string) ?? .null,
            ],
            "client_response": [
                "status": .number(Double(record.row.httpStatus)), "error": .string(record.row.errorText ?? ""),
            ],
            "final_message": .null,
        ]
    }
}
