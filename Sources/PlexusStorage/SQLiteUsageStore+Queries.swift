import Foundation
import PlexusCore
import SQLiteNIO

extension SQLiteUsageStore {
    public func usage(query: UsageQuery) async throws -> UsagePage {
        var filter = SQLFilter()
        filter.range("started_at", from: query.from, to: query.to)
        filter.equal("key_name", query.key)
        filter.equal("attribution", query.attribution)
        filter.equal("alias", query.alias)
        filter.equal("provider", query.provider)
        filter.equal("upstream_model", query.model)
        filter.equal("status", query.outcome?.rawValue)
        filter.equal("streamed", query.streamed)
        filter.equal("passthrough", query.passthrough)
        filter.equal("kind", query.kind?.rawValue)
        filter.equal("client_protocol", query.clientProtocol?.rawValue)
        filter.equal("target_protocol", query.targetProtocol?.rawValue)
        try filter.before(query.cursor.map(PageCursor.init(encoded:)), time: "started_at", tie: "request_id")
        let limit = PageLimit.clamp(query.limit)
        // One extra row says whether another page follows.
        let rows = try await connection.query(
            "SELECT * FROM usage\(filter.sql) ORDER BY started_at DESC, request_id DESC LIMIT ?",
            filter.binds + [.integer(limit + 1)])
        let items = rows.prefix(limit).compactMap(UsageRecord.init(row:))
        let next = PageCursor.next(rows, limit: limit, time: "started_at", tie: "request_id")
        return UsagePage(items: items, nextCursor: next)
    }

    public func summary(query: UsageSummaryQuery) async throws -> UsageSummary {
        var filter = SQLFilter()
        filter.range("started_at", from: query.from, to: query.to)
        let select = "SELECT CAST(started_at / ? AS INTEGER) AS b, \(Self.groupColumn(query.groupBy)) AS g"
        let binds = [SQLiteData.float(query.bucket.seconds)] + filter.binds
        let sums = try await connection.query(
            select + """
                , COUNT(*) AS requests, SUM(status = 'error') AS errors, SUM(status = 'cancelled') AS cancelled,
                SUM(input_tokens) AS input, SUM(cache_read_tokens) AS cache_read,
                SUM(cache_write_tokens) AS cache_write, SUM(output_tokens) AS output,
                SUM(reasoning_tokens) AS reasoning, SUM(cost_total) AS cost
                FROM usage\(filter.sql) GROUP BY b, g ORDER BY b, g
                """, binds)
        var timed = filter
        timed.add("(ttft_ms IS NOT NULL OR output_tokens_per_second IS NOT NULL)")
        let samples = try await connection.query(
            select + ", ttft_ms, output_tokens_per_second FROM usage\(timed.sql)",
            [.float(query.bucket.seconds)] + timed.binds)
        return Self.assemble(query: query, sums: sums, samples: samples)
    }

    /// The column a summary groups by; never user text, so it is safe to splice into SQL.
    static func groupColumn(_ groupBy: UsageSummaryQuery.GroupBy) -> String {
        switch groupBy {
        case .model: "upstream_model"
        case .provider: "provider"
        case .key: "key_name"
        case .attribution: "attribution"
        case .none: "NULL"
        }
    }
}
