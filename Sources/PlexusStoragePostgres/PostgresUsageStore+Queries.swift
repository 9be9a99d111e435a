import Foundation
import PlexusStorage
import PostgresNIO

extension PostgresUsageStore {
    public func usage(query: UsageQuery) async throws -> UsagePage {
        var statement = PostgresStatement()
        statement.range("started_at", from: query.from, to: query.to)
        statement.equal("key_name", query.key)
        statement.equal("attribution", query.attribution)
        statement.equal("alias", query.alias)
        statement.equal("provider", query.provider)
        statement.equal("upstream_model", query.model)
        statement.equal("status", query.outcome?.rawValue)
        statement.equal("streamed", query.streamed)
        statement.equal("passthrough", query.passthrough)
        statement.equal("kind", query.kind?.rawValue)
        statement.equal("client_protocol", query.clientProtocol?.rawValue)
        statement.equal("target_protocol", query.targetProtocol?.rawValue)
        try statement.before(query.cursor, time: "started_at", tie: "request_id")
        let limit = StorageSupport.clampLimit(query.limit)
        // One extra row says whether another page follows.
        // Placeholders first: `statement.query` must see every bind.
        let sql =
            "SELECT * FROM usage\(statement.whereSQL) ORDER BY started_at DESC, request_id DESC LIMIT "
            + statement.bind(limit + 1)
        let rows = try await rows(statement.query(sql))
        let items = rows.prefix(limit).compactMap(UsageRecord.init(postgres:))
        return UsagePage(
            items: items,
            nextCursor: Self.nextCursor(
                rows, limit: limit, time: "started_at",
                tie: "request_id"))
    }

    public func summary(query: UsageSummaryQuery) async throws -> UsageSummary {
        let sums = try await rows(
            Self.summaryStatement(query, timed: false) { select, filter in
                select + """
                    , COUNT(*) AS requests, COUNT(*) FILTER (WHERE status = 'error') AS errors,
                    COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                    SUM(input_tokens)::bigint AS input, SUM(cache_read_tokens)::bigint AS cache_read,
                    SUM(cache_write_tokens)::bigint AS cache_write, SUM(output_tokens)::bigint AS output,
                    SUM(reasoning_tokens)::bigint AS reasoning, SUM(cost_total) AS cost
                    FROM usage\(filter) GROUP BY b, g ORDER BY b, g NULLS FIRST
                    """
            })
        let samples = try await rows(
            Self.summaryStatement(query, timed: true) { select, filter in
                select + ", ttft_ms, output_tokens_per_second FROM usage\(filter)"
            })
        return UsageSummary.assemble(
            query: query,
            sums: sums.compactMap { row in
                guard let index = row.int("b") else { return nil }
                return SummarySumsRow(index: index, group: row.text("g"), stats: Self.stats(row))
            },
            samples: samples.compactMap { row in
                guard let index = row.int("b") else { return nil }
                return SummarySample(
                    index: index, group: row.text("g"), ttftMs: row.double("ttft_ms"),
                    tokensPerSecond: row.double("output_tokens_per_second"))
            })
    }

    /// A summary query: `sql(select, where)` gets the bucket and group columns (`b`, `g`) and the range filter.
    ///
    /// `trunc` cuts toward zero like SQLite's `CAST(… AS INTEGER)`, where a plain cast to bigint would round; groups
    /// sort in byte order with NULL first, as SQLite sorts them.
    static func summaryStatement(
        _ query: UsageSummaryQuery, timed: Bool,
        sql: (String, String) -> String
    ) -> PostgresQuery {
        var statement = PostgresStatement()
        let width = statement.bind(query.bucket.seconds)
        statement.range("started_at", from: query.from, to: query.to)
        if timed { statement.add("(ttft_ms IS NOT NULL OR output_tokens_per_second IS NOT NULL)") }
        let select =
            "SELECT trunc(started_at / \(width))::bigint AS b, "
            + "(\(StorageSupport.groupColumn(query.groupBy)))::text COLLATE \"C\" AS g"
        return statement.query(sql(select, statement.whereSQL))
    }

    /// The SQL-summed columns of one bucket row; SUM over only NULLs is NULL, which keeps an unknown cost nil.
    private static func stats(_ row: PostgresColumns) -> SummaryStats {
        func int(_ name: String) -> Int { row.int(name) ?? 0 }
        return SummaryStats(
            requests: int("requests"), errors: int("errors"), cancelled: int("cancelled"),
            tokens: TokenTotals(
                input: int("input"), cacheRead: int("cache_read"), cacheWrite: int("cache_write"),
                output: int("output"), reasoning: int("reasoning")),
            cost: row.double("cost"))
    }

    /// The next-page cursor of a query that fetched `limit + 1` rows: after the last kept row, if more followed.
    ///
    /// Read from the stored columns (a trip through `Date` can move the Double by an ulp).
    static func nextCursor(
        _ rows: [PostgresColumns], limit: Int, time: String, tie: String,
        tieIsInteger: Bool = false
    ) -> String? {
        guard rows.count > limit else { return nil }
        let last = rows[limit - 1]
        let k = tieIsInteger ? last.int(tie).map(String.init) : last.text(tie)
        guard let t = last.double(time), let k else { return nil }
        return StorageSupport.cursor(time: t, tie: k)
    }
}
