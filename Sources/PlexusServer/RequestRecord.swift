import Foundation
import NIOCore
import PlexusCore
import PlexusRouting
import PlexusStorage

/// The usage row of one request, filled in as the request goes; written exactly once when it ends.
struct RequestRecord: Sendable {
    let id: String
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var row: UsageRecord
    var firstTokenAt: ContinuousClock.Instant?
    var lastTokenAt: ContinuousClock.Instant?
    /// The target of the latest attempt (pricing for the cost).
    var candidate: Candidate?
    /// Set when this request is traced in full.
    var trace: TraceCapture?
    /// The client's body and the latest upstream body, for an on-error trace (shared buffers, not copies).
    var clientBody: [UInt8]?
    var upstreamBody: ByteBuffer?
    /// The start of the upstream's error answer, for the errors list.
    var errorExcerpt: String?
    /// Set while the request counts against its key's limits (ended by `ProxyEngine.releaseLimits`).
    var admission: LimitAdmission?
    /// The target whose `max_concurrency` slot this request holds.
    var slot: Candidate?

    init(id: String, clientProtocol: APIProtocol) {
        self.id = id
        started = clock.now
        row = UsageRecord(
            requestID: id, startedAt: Date(), clientProtocol: clientProtocol, outcome: .error, httpStatus: 0,
            durationMs: 0)
    }

    static func milliseconds(_ d: Duration) -> Double {
        let (seconds, attoseconds) = d.components  // once: each read of `components` is 128-bit arithmetic
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// Notes the arrival of content (TTFT is measured from the upstream send; see `markSent`).
    mutating func markContent(at instant: ContinuousClock.Instant, sentAt: ContinuousClock.Instant?) {
        if firstTokenAt == nil {
            firstTokenAt = instant
            row.ttftMs = Self.milliseconds(instant - (sentAt ?? started))
        }
        lastTokenAt = instant
    }

    /// Completes the row: outcome, status, duration (to `at`, by default now) and throughput.
    mutating func finish(
        outcome: UsageRecord.Outcome, httpStatus: Int, error: String? = nil, at: ContinuousClock.Instant? = nil
    ) {
        let now = at ?? clock.now
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

extension RequestRecord {
    /// The in-flight entry, also the `request_started` event's payload.
    var inFlightEntry: InFlightTable.Entry {
        InFlightTable.Entry(
            id: id, startedAt: row.startedAt, key: row.keyName, alias: row.alias, clientAPI: row.clientProtocol,
            streamed: row.streamed, kind: row.kind, attribution: row.attribution)
    }
}
