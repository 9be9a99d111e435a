import Foundation
import PlexusCore

/// The journal line of a row, written by hand: it is made on the request path before the answer's last byte, and
/// Foundation's `JSONEncoder` cost more there than the rest of a passthrough request's bookkeeping. The line is the
/// synthesized `Codable` form (property names as keys, nil members left out, dates as seconds since 2001), so
/// `JSONDecoder` reads it back at recovery; a test holds the two to the same rows.
extension UsageRecord {
    public var journalLine: [UInt8] {
        JSONLineWriter.bytes(bound: journalBound) { w in
            w.nested { w in
                w.string("requestID", requestID)
                w.number("startedAt", startedAt.timeIntervalSinceReferenceDate)
                w.string("keyName", keyName)
                w.string("alias", alias)
                w.string("provider", provider)
                w.string("upstreamModel", upstreamModel)
                w.string("clientProtocol", clientProtocol.rawValue)
                w.string("targetProtocol", targetProtocol?.rawValue)
                w.bool("passthrough", passthrough)
                w.bool("streamed", streamed)
                w.string("outcome", outcome.rawValue)
                w.integer("httpStatus", httpStatus)
                w.object("tokens") { t in
                    t.integer("input", tokens.input)
                    t.integer("cacheRead", tokens.cacheRead)
                    t.integer("cacheWrite", tokens.cacheWrite)
                    t.integer("output", tokens.output)
                    t.integer("reasoning", tokens.reasoning)
                }
                w.number("ttftMs", ttftMs)
                w.number("durationMs", durationMs)
                w.number("outputTokensPerSecond", outputTokensPerSecond)
                w.string("stopReason", stopReason)
                w.string("errorText", errorText)
                w.array("attempts", attempts) { a, attempt in attempt.write(into: &a) }
                if let cost { w.object("cost") { cost.write(into: &$0) } }
                w.string("kind", kind.rawValue)
                w.bool("tokensEstimated", tokensEstimated)
                w.string("attribution", attribution)
            }
            w.raw("\n")
        }
    }

    /// At most what `journalLine` writes: 40 members (nested ones included) and the text of every string.
    private var journalBound: Int {
        let b = JSONLineWriter.textBound
        return 40 * JSONLineWriter.memberBound + b(requestID) + b(keyName) + b(alias) + b(provider)
            + b(upstreamModel) + b(clientProtocol.rawValue) + b(targetProtocol?.rawValue) + b(outcome.rawValue)
            + b(stopReason) + b(errorText) + b(kind.rawValue) + b(attribution) + Attempt.bound(attempts)
    }
}

extension UsageRecord.Attempt {
    func write(into w: inout JSONLineWriter) {
        w.string("provider", provider)
        w.string("model", model)
        w.string("api", api)
        w.integer("status", status)
        w.string("error", error)
        w.number("durationMs", durationMs)
        w.bool("passthrough", passthrough)
    }

    /// At most what `write(into:)` writes for `attempts` as an array: each attempt's 7 members, its braces and
    /// comma, and the text of its strings.
    static func bound(_ attempts: [Self]) -> Int {
        let b = JSONLineWriter.textBound
        return attempts.reduce(2) { total, a in
            total + 8 * JSONLineWriter.memberBound + b(a.provider) + b(a.model) + b(a.api) + b(a.error)
        }
    }
}

extension UsageRecord.Cost {
    fileprivate func write(into w: inout JSONLineWriter) {
        w.number("input", input)
        w.number("cacheRead", cacheRead)
        w.number("cacheWrite", cacheWrite)
        w.number("output", output)
        w.number("reasoning", reasoning)
        w.number("total", total)
    }
}
