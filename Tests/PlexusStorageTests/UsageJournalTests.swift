import Foundation
import PlexusCore
import Testing

@testable import PlexusStorage

/// Issue 18, point 3: rows appended to the journal come back at start until a flush stored them; a line cut short
/// by a kill is skipped.
@Suite("Usage journal")
struct UsageJournalTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-journal-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func rowsComeBackUntilStoredAndACutLineIsSkipped() throws {
        let dir = try Self.folder()
        let rows = Array(StorageFixtures.varied.prefix(5))
        do {
            let journal = try UsageJournal(directory: dir)
            for row in rows.prefix(3) { journal.append(UsageJournal.line(row)) }
            journal.rotate()  // a flush takes the first three
            for row in rows.suffix(2) { journal.append(UsageJournal.line(row)) }
            journal.append(Array(UsageJournal.line(rows[0]).prefix(40)))  // the kill cut this one short
            // Killed before the flush stored anything: all five come back, in order.
            #expect(UsageJournal.recover(directory: dir).rows == rows)
            journal.stored()  // the first three are in the database now
        }
        let left = UsageJournal.recover(directory: dir)
        #expect(left.rows == Array(rows.suffix(2)))
        #expect(left.files.count == 1)
        let next = try UsageJournal(directory: dir)  // a new process starts a later file
        next.append(UsageJournal.line(rows[0]))
        #expect(UsageJournal.recover(directory: dir).rows.count == 3)
    }

    /// Rows with every member set, odd strings and fractional numbers, and the varied log.
    static var lineRows: [UsageRecord] {
        var full = UsageRecord(
            requestID: "req_0123", startedAt: Date(timeIntervalSince1970: 1_765_000_000.123_456_7), keyName: "k\"1\\",
            alias: "a\u{1F600}\n", provider: "p", upstreamModel: "m/x", clientProtocol: .responses,
            targetProtocol: .gemini,
            passthrough: true, streamed: true, outcome: .error, httpStatus: 502,
            tokens: .init(input: 1, cacheRead: 2, cacheWrite: 3, output: 4, reasoning: 5), ttftMs: 0.1 + 0.2,
            durationMs: 1e-7, outputTokensPerSecond: 123.456, stopReason: "toolUse", errorText: "tab\there\u{0}")
        full.attempts = [
            .init(
                provider: "p", model: "m", api: "chat", status: nil, error: "connect timeout", durationMs: 30.25,
                passthrough: false),
            .init(
                provider: "q", model: "n", api: "responses", status: 200, error: nil, durationMs: 2, passthrough: true),
        ]
        full.cost = .init(input: 1e-6, cacheRead: 0, cacheWrite: 0.5, output: 3.3, reasoning: 0, total: 3.800001)
        full.kind = .embeddings
        full.tokensEstimated = true
        full.attribution = "ali\"ce é"
        return [full, worst] + StorageFixtures.varied
    }

    /// The most bytes per byte of text (every byte escaped as `\u00XX`), the longest numbers and many attempts:
    /// the line must fit the memory sized for it in advance.
    static var worst: UsageRecord {
        let control = String(repeating: "\u{1}", count: 300)
        var row = UsageRecord(
            requestID: control, startedAt: Date(timeIntervalSinceReferenceDate: -1.2345678901234567e-300),
            keyName: control, alias: control, provider: control, upstreamModel: control, clientProtocol: .chat,
            targetProtocol: .messages, passthrough: false, streamed: false, outcome: .error, httpStatus: Int.min,
            tokens: .init(input: Int.max, cacheRead: Int.min, cacheWrite: Int.max, output: Int.min, reasoning: Int.max),
            ttftMs: -Double.greatestFiniteMagnitude, durationMs: -2.2250738585072014e-308,
            outputTokensPerSecond: -Double.leastNonzeroMagnitude, stopReason: control, errorText: control)
        row.attempts = Array(
            repeating: UsageRecord.Attempt(
                provider: control, model: control, api: control, status: Int.min, error: control,
                durationMs: -1.7976931348623157e+308, passthrough: true), count: 20)
        row.cost = UsageRecord.Cost(
            input: -1.2345678901234567e-300, cacheRead: -1.2345678901234567e-300, cacheWrite: -1e-300,
            output: -Double.greatestFiniteMagnitude, reasoning: -Double.leastNonzeroMagnitude,
            total: -1.2345678901234567e+300)
        row.attribution = control
        return row
    }

    /// The hand-written line reads back (with `JSONDecoder`, as recovery does) to the same row, and says what
    /// Foundation's encoder of the synthesized form says.
    @Test func theHandWrittenLineIsTheCodableForm() throws {
        for row in Self.lineRows {
            let line = row.journalLine
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(try JSONDecoder().decode(UsageRecord.self, from: Data(line.dropLast())) == row)
            // Foundation's key order is a dictionary's: compare with keys sorted.
            let foundation = Self.sorted(try JSONValue(parsing: Array(JSONEncoder().encode(row))))
            #expect(Self.sorted(try JSONValue(parsing: Array(line.dropLast()))) == foundation)
        }
    }

    static func sorted(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o): .object(JSONObject(o.pairs.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) }))
        case .array(let a): .array(a.map(sorted))
        default: v
        }
    }
}
