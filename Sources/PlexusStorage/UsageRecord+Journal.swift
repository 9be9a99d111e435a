import Foundation
import PlexusCore

/// The journal line of a row, written by hand: it is made on the request path before the answer's last byte, and
/// Foundation's `JSONEncoder` cost more there than the rest of a passthrough request's bookkeeping. The line is the
/// synthesized `Codable` form (property names as keys, nil members left out, dates as seconds since 2001), so
/// `JSONDecoder` reads it back at recovery; a test holds the two to the same rows.
extension UsageRecord {
    public var journalLine: [UInt8] {
        var w = JournalLineWriter()
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
        return w.finish()
    }
}

extension UsageRecord.Attempt {
    fileprivate func write(into w: inout JournalLineWriter) {
        w.string("provider", provider)
        w.string("model", model)
        w.string("api", api)
        w.integer("status", status)
        w.string("error", error)
        w.number("durationMs", durationMs)
        w.bool("passthrough", passthrough)
    }
}

extension UsageRecord.Cost {
    fileprivate func write(into w: inout JournalLineWriter) {
        w.number("input", input)
        w.number("cacheRead", cacheRead)
        w.number("cacheWrite", cacheWrite)
        w.number("output", output)
        w.number("reasoning", reasoning)
        w.number("total", total)
    }
}

/// Writes one JSON object's members into a byte array; a nil value leaves its member out.
private struct JournalLineWriter {
    var out: [UInt8]
    var first = true

    init() {
        out = [UInt8(ascii: "{")]
        out.reserveCapacity(512)
    }

    mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONWriter.writeString(value, into: &out)
    }

    mutating func integer(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        JSONWriter.writeInteger(Int64(value), into: &out)
    }

    /// Doubles as Swift prints them (the shortest text that reads back to the same value).
    mutating func number(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        key(name)
        JSONWriter.writeNumber(value, into: &out)
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        let literal: StaticString = value ? "true" : "false"
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A nested object, written in place.
    mutating func object(_ name: StaticString, _ members: (inout JournalLineWriter) -> Void) {
        key(name)
        nested(members)
    }

    mutating func array<T>(_ name: StaticString, _ items: [T], _ write: (inout JournalLineWriter, T) -> Void) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            nested { write(&$0, item) }
        }
        out.append(UInt8(ascii: "]"))
    }

    private mutating func nested(_ members: (inout JournalLineWriter) -> Void) {
        let outer = first
        first = true
        out.append(UInt8(ascii: "{"))
        members(&self)
        out.append(UInt8(ascii: "}"))
        first = outer
    }

    /// The object closed, with the line's newline.
    mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
        return out
    }
}
