import Foundation
import PlexusCore
import SQLiteNIO

extension UsageRecord {
    /// Binds the row's values in `SQLiteUsageStore.columns` order.
    func bind(to row: SQLiteRowBinder) {
        row.text(0, requestID)
        row.double(1, startedAt.timeIntervalSince1970)
        row.text(2, keyName)
        row.text(3, alias)
        row.text(4, provider)
        row.text(5, upstreamModel)
        row.text(6, clientProtocol.rawValue)
        row.text(7, targetProtocol?.rawValue)
        row.integer(8, passthrough ? 1 : 0)
        row.integer(9, streamed ? 1 : 0)
        row.text(10, outcome.rawValue)
        row.integer(11, httpStatus)
        row.integer(12, tokens.input)
        row.integer(13, tokens.cacheRead)
        row.integer(14, tokens.cacheWrite)
        row.integer(15, tokens.output)
        row.integer(16, tokens.reasoning)
        row.double(17, ttftMs)
        row.double(18, durationMs)
        row.double(19, outputTokensPerSecond)
        row.text(20, stopReason)
        row.text(21, errorText)
        row.text(22, Self.encode(attempts))
        row.double(23, cost?.input)
        row.double(24, cost?.cacheRead)
        row.double(25, cost?.cacheWrite)
        row.double(26, cost?.output)
        row.double(27, cost?.reasoning)
        row.double(28, cost?.total)
        row.text(29, kind.rawValue)
        row.integer(30, tokensEstimated ? 1 : 0)
        row.text(31, attribution)
    }

    /// The attempts as a JSON array, in the shape `Attempt`'s `Codable` reads back (absent optionals omitted), as
    /// the journal line writes them: Foundation's encoder, and even a `JSONValue` tree, cost more than the rest of
    /// a row, on every row.
    static func encode(_ attempts: [Attempt]) -> String? {
        guard !attempts.isEmpty else { return nil }
        let bytes = JSONLineWriter.bytes(bound: Attempt.bound(attempts)) { w in
            w.array(nil, attempts) { a, attempt in attempt.write(into: &a) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decodeAttempts(_ text: String?) -> [Attempt] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([Attempt].self, from: Data(text.utf8))) ?? []
    }

    init?(row: SQLiteRow) {
        guard let id = row.column("request_id")?.string,
            let started = row.column("started_at")?.double,
            let client = row.column("client_protocol")?.string.flatMap(APIProtocol.init(rawValue:)),
            let outcome = row.column("status")?.string.flatMap(Outcome.init(rawValue:))
        else { return nil }
        func int(_ name: String) -> Int? { row.column(name)?.integer.map { Int($0) } }
        func double(_ name: String) -> Double? { row.column(name).flatMap { $0.isNull ? nil : $0.double } }
        func text(_ name: String) -> String? { row.column(name)?.string }
        self.init(
            requestID: id, startedAt: Date(timeIntervalSince1970: started), keyName: text("key_name"),
            alias: text("alias"), provider: text("provider"), upstreamModel: text("upstream_model"),
            clientProtocol: client, targetProtocol: text("target_protocol").flatMap(APIProtocol.init(rawValue:)),
            passthrough: int("passthrough") == 1, streamed: int("streamed") == 1, outcome: outcome,
            httpStatus: int("http_status") ?? 0,
            tokens: Tokens(
                input: int("input_tokens"), cacheRead: int("cache_read_tokens"),
                cacheWrite: int("cache_write_tokens"), output: int("output_tokens"),
                reasoning: int("reasoning_tokens")),
            ttftMs: double("ttft_ms"), durationMs: double("duration_ms") ?? 0,
            outputTokensPerSecond: double("output_tokens_per_second"), stopReason: text("stop_reason"),
            errorText: text("error_text"))
        attempts = Self.decodeAttempts(text("attempts"))
        kind = text("kind").flatMap(RequestKind.init(rawValue:)) ?? .chat
        tokensEstimated = int("tokens_estimated") == 1
        attribution = text("attribution")
        if let total = double("cost_total") {
            cost = Cost(
                input: double("cost_input") ?? 0, cacheRead: double("cost_cache_read") ?? 0,
                cacheWrite: double("cost_cache_write") ?? 0, output: double("cost_output") ?? 0,
                reasoning: double("cost_reasoning") ?? 0, total: total)
        }
    }
}

extension SQLiteData {
    static func optionalText(_ s: String?) -> SQLiteData { s.map { .text($0) } ?? .null }
    static func optionalInt(_ i: Int?) -> SQLiteData { i.map { .integer($0) } ?? .null }
    static func optionalFloat(_ d: Double?) -> SQLiteData { d.map { .float($0) } ?? .null }
}
