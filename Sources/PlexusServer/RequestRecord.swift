import Foundation
import PlexusCore
import PlexusStorage

/// The usage row of one request, filled in as the request goes; written exactly once when it ends.
struct RequestRecord: Sendable {
    let id: String
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var row: UsageRecord
    var firstTokenAt: ContinuousClock.Instant?
    var lastTokenAt: ContinuousClock.Instant?

    init(id: String, clientProtocol: APIProtocol) {
        self.id = id
        started = clock.now
        row = UsageRecord(
            requestID: id, startedAt: Date(), clientProtocol: clientProtocol, outcome: .error, httpStatus: 0,
            durationMs: 0)
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// Notes the arrival of content (TTFT is measured from the upstream send; see `markSent`).
    mutating func markContent(at instant: ContinuousClock.Instant, sentAt: ContinuousClock.Instant?) {
        if firstTokenAt == nil {
            firstTokenAt = instant
            row.ttftMs = Self.milliseconds(instant - (sentAt ?? started))
        }
        lastTokenAt = instant
    }

    /// Completes the row: outcome, status, duration and throughput.
    mutating func finish(outcome: UsageRecord.Outcome, httpStatus: Int, error: String? = nil) {
        let now = clock.now
        row.outcome = outcome
        row.httpStatus = httpStatus
        row.errorText = error
        row.durationMs = Self.milliseconds(now - started)
        if let first = firstTokenAt, let last = lastTokenAt, let out = row.tokens.output, out > 0 {
            let seconds = Self.milliseconds(last - first) / 1000
            let produced = Double(out + (row.tokens.reasoning ?? 0))
            row.outputTokensPerSecond = seconds > 0.001 ? produced / seconds : nil
        }
    }
}
