import Foundation
import HTTPTypes
import Hummingbird
import PlexusCore
import PlexusRouting
import PlexusStorage

/// A limited key's admitted request: what its end reports to the ledger and what its answer's headers say.
struct LimitAdmission: Sendable {
    let key: String
    let limits: KeyLimits
    let standing: LimitStanding
}

extension ProxyEngine {
    /// Counts a request of a key with limits, or answers 429 in the client's protocol (the row says `limited`).
    /// Keys without limits never reach the ledger.
    func admit(
        _ key: KeyConfig, limits: KeyLimits, proto: APIProtocol, record: inout RequestRecord
    ) async -> Response? {
        switch await ledger.admit(key: key.name, limits: limits, requestID: record.id, now: Date()) {
        case .admitted(let standing):
            record.admission = LimitAdmission(key: key.name, limits: limits, standing: standing)
            return nil
        case .limited(let reason, let wait, let standing):
            let error = PlexusError(.rateLimited, reason.message(limits))
            var response = limitedResponse(error, proto: proto, retryAfter: wait, record: &record)
            response.headers.append(contentsOf: LimitHeaders.fields(limits, standing))
            return response
        }
    }

    /// Refuses a request by the gateway's own limits: 429 with `Retry-After`, outcome `limited`, no cooldown.
    func limitedResponse(
        _ error: PlexusError, proto: APIProtocol, retryAfter: Int, record: inout RequestRecord
    ) -> Response {
        record.finish(outcome: .limited, httpStatus: error.httpStatus, error: error.message)
        record.trace?.clientResponse(status: error.httpStatus, body: error.body(for: proto))
        commit(&record)
        var response = HTTPResponses.error(error, for: proto, requestID: record.id)
        response.headers.append(HTTPField(name: HTTPResponses.retryAfter, value: String(retryAfter)))
        return response
    }

    /// Reports an ended request to whatever it held: the key's ledger and its target's concurrency slot.
    func releaseLimits(_ record: inout RequestRecord) {
        if let admission = record.admission {
            let t = record.row.tokens
            let tokens = [t.input, t.cacheRead, t.cacheWrite, t.output, t.reasoning].reduce(0) { $0 + ($1 ?? 0) }
            ledger.finish(
                key: admission.key, limits: admission.limits, requestID: record.id, tokens: tokens,
                costUSD: record.row.cost?.total, now: Date())
            record.admission = nil
        }
        releaseSlot(&record)
    }

    /// Takes a concurrency slot at `candidate` for `record`; false when the target is full.
    func acquireSlot(_ candidate: Candidate, record: inout RequestRecord) -> Bool {
        guard TargetConcurrency.isCapped(candidate) else { return true }
        guard routing.slots.withLock({ $0.acquire(candidate) }) else { return false }
        record.slot = candidate
        return true
    }

    /// Gives back the slot of the latest attempt, if it took one.
    func releaseSlot(_ record: inout RequestRecord) {
        guard let candidate = record.slot else { return }
        routing.slots.withLock { $0.release(candidate) }
        record.slot = nil
    }

    /// The error when every candidate was passed over because it was full.
    static func everyTargetFull(_ alias: String?) -> PlexusError {
        PlexusError(.rateLimited, "every target of '\(alias ?? "this model")' is at its max_concurrency; retry shortly")
    }
}

/// `x-plexus-limit-*`: what a limited key has left (API.md), for the limits it has.
enum LimitHeaders {
    static let requests = HTTPField.Name("x-plexus-limit-requests-remaining")!
    static let tokens = HTTPField.Name("x-plexus-limit-tokens-remaining")!
    static let budget = HTTPField.Name("x-plexus-limit-budget-remaining-usd")!

    static func fields(_ limits: KeyLimits, _ standing: LimitStanding) -> [HTTPField] {
        var fields: [HTTPField] = []
        if let n = standing.requestsRemaining(limits) { fields.append(HTTPField(name: requests, value: String(n))) }
        if let n = standing.tokensRemaining(limits) { fields.append(HTTPField(name: tokens, value: String(n))) }
        if let usd = standing.budgetRemaining(limits) { fields.append(HTTPField(name: budget, value: usdText(usd))) }
        return fields
    }

    /// USD to six decimals without exponent notation, trailing zeros dropped (`12.5`, `0.000125`); by hand, since
    /// `String(format:)` costs microseconds on every answer to a key with a budget.
    static func usdText(_ usd: Double) -> String {
        let micros = Int64((max(0, usd) * 1_000_000).rounded())
        var fraction = String(micros % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let whole = String(micros / 1_000_000)
        return fraction.isEmpty ? whole : whole + "." + fraction
    }
}

extension GatewayAnswer {
    /// The same answer with `fields` added to its head.
    consuming func adding(_ fields: [HTTPField]) -> GatewayAnswer {
        guard !fields.isEmpty else { return self }
        switch self {
        case .json(var json, let then):
            json.extraFields += fields
            return .json(json, then: then)
        case .response(var response):
            response.headers.append(contentsOf: fields)
            return .response(response)
        }
    }
}
