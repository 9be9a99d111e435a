import Foundation
import PlexusCore
import PlexusStorage
import PostgresNIO

extension UsageRecord {
    /// Binds in `StorageSupport.usageColumns` order.
    func bind(into statement: inout PostgresStatement) {
        _ = statement.bind(requestID)
        _ = statement.bind(startedAt.timeIntervalSince1970)
        for text in [keyName, alias, provider, upstreamModel] { _ = statement.bind(text) }
        _ = statement.bind(clientProtocol.rawValue)
        _ = statement.bind(targetProtocol?.rawValue)
        _ = statement.bind(passthrough)
        _ = statement.bind(streamed)
        _ = statement.bind(outcome.rawValue)
        _ = statement.bind(httpStatus)
        for count in [tokens.input, tokens.cacheRead, tokens.cacheWrite, tokens.output, tokens.reasoning] {
            _ = statement.bind(count)
        }
        _ = statement.bind(ttftMs)
        _ = statement.bind(durationMs)
        _ = statement.bind(outputTokensPerSecond)
        _ = statement.bind(stopReason)
        _ = statement.bind(errorText)
        _ = statement.bind(StorageSupport.encodeAttempts(attempts))
        for value in [cost?.input, cost?.cacheRead, cost?.cacheWrite, cost?.output, cost?.reasoning, cost?.total] {
            _ = statement.bind(value)
        }
        _ = statement.bind(kind.rawValue)
        _ = statement.bind(tokensEstimated)
        _ = statement.bind(attribution)
    }

    init?(postgres row: PostgresColumns) {
        guard let id = row.text("request_id"), let started = row.double("started_at"),
            let client = row.text("client_protocol").flatMap(APIProtocol.init(rawValue:)),
            let outcome = row.text("status").flatMap(Outcome.init(rawValue:))
        else { return nil }
        self.init(
            requestID: id, startedAt: Date(timeIntervalSince1970: started), keyName: row.text("key_name"),
            alias: row.text("alias"), provider: row.text("provider"), upstreamModel: row.text("upstream_model"),
            clientProtocol: client, targetProtocol: row.text("target_protocol").flatMap(APIProtocol.init(rawValue:)),
            passthrough: row.bool("passthrough") ?? false, streamed: row.bool("streamed") ?? false, outcome: outcome,
            httpStatus: row.int("http_status") ?? 0,
            tokens: Tokens(
                input: row.int("input_tokens"), cacheRead: row.int("cache_read_tokens"),
                cacheWrite: row.int("cache_write_tokens"), output: row.int("output_tokens"),
                reasoning: row.int("reasoning_tokens")),
            ttftMs: row.double("ttft_ms"), durationMs: row.double("duration_ms") ?? 0,
            outputTokensPerSecond: row.double("output_tokens_per_second"), stopReason: row.text("stop_reason"),
            errorText: row.text("error_text"))
        attempts = StorageSupport.decodeAttempts(row.text("attempts"))
        kind = row.text("kind").flatMap(RequestKind.init(rawValue:)) ?? .chat
        tokensEstimated = row.bool("tokens_estimated") ?? false
        attribution = row.text("attribution")
        if let total = row.double("cost_total") {
            cost = Cost(
                input: row.double("cost_input") ?? 0, cacheRead: row.double("cost_cache_read") ?? 0,
                cacheWrite: row.double("cost_cache_write") ?? 0, output: row.double("cost_output") ?? 0,
                reasoning: row.double("cost_reasoning") ?? 0, total: total)
        }
    }
}

extension TraceRecord {
    /// Binds in `StorageSupport.traceColumns` order.
    func bind(into statement: inout PostgresStatement) {
        _ = statement.bind(requestID)
        _ = statement.bind(startedAt.timeIntervalSince1970)
        for text in [keyName, alias, provider, status?.rawValue, body] { _ = statement.bind(text) }
    }

    init?(postgres row: PostgresColumns) {
        guard let summary = TraceSummary(postgres: row), let body = row.text("body") else { return nil }
        self.init(
            requestID: summary.requestID, startedAt: summary.startedAt, keyName: summary.keyName,
            alias: summary.alias, provider: summary.provider, status: summary.status, body: body)
    }
}

extension TraceSummary {
    init?(postgres row: PostgresColumns) {
        guard let id = row.text("request_id"), let started = row.double("started_at") else { return nil }
        self.init(
            requestID: id, startedAt: Date(timeIntervalSince1970: started), keyName: row.text("key_name"),
            alias: row.text("alias"), provider: row.text("provider"),
            status: row.text("status").flatMap(UsageRecord.Outcome.init(rawValue:)))
    }
}

extension ErrorRecord {
    /// Binds in `StorageSupport.errorColumns` order.
    func bind(into statement: inout PostgresStatement) {
        _ = statement.bind(requestID)
        _ = statement.bind(at.timeIntervalSince1970)
        _ = statement.bind(provider)
        _ = statement.bind(model)
        _ = statement.bind(status)
        _ = statement.bind(message)
        _ = statement.bind(excerpt)
    }

    init?(postgres row: PostgresColumns) {
        guard let id = row.text("request_id"), let at = row.double("at"), let message = row.text("message") else {
            return nil
        }
        self.init(
            requestID: id, at: Date(timeIntervalSince1970: at), provider: row.text("provider"),
            model: row.text("model"), status: row.int("status"), message: message, excerpt: row.text("excerpt"))
    }
}
