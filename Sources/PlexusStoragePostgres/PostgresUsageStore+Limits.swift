import Foundation
import PlexusStorage
import PostgresNIO

extension PostgresUsageStore: SpendStore {
    public func spend(key: String, since: Date) async throws -> (usd: Double, unpriced: Int) {
        var statement = PostgresStatement()
        let sql = Self.spendSelect(key: statement.bind(key), since: statement.bind(since.timeIntervalSince1970))
        let row = try await rows(statement.query(sql)).first
        return (row?.double("usd") ?? 0, row?.int("unpriced") ?? 0)
    }

    /// The usage log's spend of one key since an instant (`usd`, `unpriced`).
    static func spendSelect(key: String, since: String) -> String {
        """
        SELECT COALESCE(SUM(cost_total), 0)::double precision AS usd,
            COUNT(*) FILTER (WHERE cost_total IS NULL AND COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0) > 0)
                AS unpriced
        FROM usage WHERE key_name = \(key) AND started_at >= \(since)
        """
    }
}

/// Key limits counted in `limit_requests` and `limit_spend`, under a per-key advisory lock, so every instance on
/// this database admits against the same counts.
extension PostgresUsageStore: SharedLimitStore {
    public func admit(_ query: SharedLimitQuery, admits: @escaping @Sendable (SharedLimitCounts) -> Bool) async throws
        -> (counts: SharedLimitCounts, admitted: Bool)
    {
        let (client, logger) = (client, logger)
        return try await call {
            try await client.withTransaction(logger: logger) { connection in
                var lock = PostgresStatement()
                let sql = "SELECT pg_advisory_xact_lock(hashtext('plexus.limits.' || \(lock.bind(query.key))))"
                try await connection.query(lock.query(sql), logger: logger)
                var counts = try await Self.counts(query, on: connection, logger: logger)
                if let period = query.period, counts.spendUSD.isNaN {
                    (counts.spendUSD, counts.unpriced) = try await Self.seedSpend(
                        query.key, period: period, on: connection, logger: logger)
                }
                guard admits(counts) else { return (counts, false) }
                var insert = PostgresStatement()
                let values = [insert.bind(query.requestID), insert.bind(query.key), insert.bind(query.now)]
                let insertSQL =
                    "INSERT INTO limit_requests (request_id, key_name, admitted_at) VALUES ("
                    + values.joined(separator: ", ") + ") ON CONFLICT DO NOTHING"
                try await connection.query(insert.query(insertSQL), logger: logger)
                return (counts, true)
            }
        }
    }

    public func finish(_ query: SharedLimitQuery, tokens: Int, costUSD: Double?) async throws {
        var statements: [PostgresQuery] = []
        // Placeholders first: `query` must see every bind.
        var update = PostgresStatement()
        let updateSQL = """
            UPDATE limit_requests SET finished_at = \(update.bind(query.now)), tokens = \(update.bind(tokens))
            WHERE request_id = \(update.bind(query.requestID))
            """
        statements.append(update.query(updateSQL))
        if let period = query.period {
            var spend = PostgresStatement()
            let values = [
                spend.bind(query.key), spend.bind(period.name), spend.bind(period.start),
                spend.bind(costUSD ?? 0), spend.bind(costUSD == nil && tokens > 0 ? 1 : 0),
            ]
            let spendSQL = """
                INSERT INTO limit_spend (key_name, period, period_start, usd, unpriced)
                VALUES (\(values.joined(separator: ", ")))
                ON CONFLICT (key_name, period, period_start)
                DO UPDATE SET usd = limit_spend.usd + EXCLUDED.usd, unpriced = limit_spend.unpriced + EXCLUDED.unpriced
                """
            statements.append(spend.query(spendSQL))
        }
        // Rows that no window needs any more: finished over a minute ago, or abandoned by a dead instance.
        var prune = PostgresStatement()
        let key = prune.bind(query.key)
        let now = prune.bind(query.now)
        let stale = prune.bind(query.staleAfter)
        let pruneSQL = """
            DELETE FROM limit_requests WHERE key_name = \(key) AND (admitted_at < \(now) - \(stale)
                OR (finished_at < \(now) - 60 AND admitted_at < \(now) - 60))
            """
        statements.append(prune.query(pruneSQL))
        try await write(statements)
    }

    public func counts(_ query: SharedLimitQuery) async throws -> SharedLimitCounts {
        let (client, logger) = (client, logger)
        return try await call {
            try await client.withConnection { connection in
                var counts = try await Self.counts(query, on: connection, logger: logger)
                if counts.spendUSD.isNaN, let period = query.period {
                    var statement = PostgresStatement()
                    let sql = Self.spendSelect(key: statement.bind(query.key), since: statement.bind(period.start))
                    let rows = try await connection.query(statement.query(sql), logger: logger)
                    for try await row in rows {
                        let columns = PostgresColumns(row)
                        (counts.spendUSD, counts.unpriced) = (columns.double("usd") ?? 0, columns.int("unpriced") ?? 0)
                    }
                }
                if counts.spendUSD.isNaN { counts.spendUSD = 0 }
                return counts
            }
        }
    }

    /// The key's counts; `spendUSD` is NaN when the period has no spend row yet.
    static func counts(
        _ q: SharedLimitQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> SharedLimitCounts {
        var s = PostgresStatement()
        let key = s.bind(q.key)
        let now = s.bind(q.now)
        let stale = s.bind(q.staleAfter)
        let requestOffset = s.bind(max(0, (q.requestCap ?? 1) - 1))
        let tokenCap = s.bind(q.tokenCap ?? 0)
        let period = s.bind(q.period?.name ?? "")
        let start = s.bind(q.period?.start ?? 0)
        let mine = "FROM limit_requests WHERE key_name = \(key)"
        let sql = """
            SELECT (SELECT COUNT(*) \(mine) AND admitted_at > \(now) - 60) AS requests,
                (SELECT admitted_at \(mine) AND admitted_at > \(now) - 60
                    ORDER BY admitted_at DESC OFFSET \(requestOffset) LIMIT 1) AS requests_edge,
                (SELECT COUNT(*) \(mine) AND finished_at IS NULL AND admitted_at > \(now) - \(stale)) AS concurrent,
                (SELECT COALESCE(SUM(tokens), 0)::bigint \(mine) AND finished_at > \(now) - 60) AS tokens,
                (SELECT MIN(finished_at) FROM (SELECT finished_at, SUM(tokens) OVER (
                    ORDER BY finished_at DESC, request_id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    AS newer \(mine) AND finished_at > \(now) - 60) w
                    WHERE COALESCE(newer, 0) < \(tokenCap)) AS tokens_edge,
                l.usd, l.unpriced
            FROM (SELECT 1) one LEFT JOIN limit_spend l
                ON l.key_name = \(key) AND l.period = \(period) AND l.period_start = \(start)
            """
        var counts = SharedLimitCounts()
        for try await row in try await connection.query(s.query(sql), logger: logger) {
            let c = PostgresColumns(row)
            counts.requests = c.int("requests") ?? 0
            counts.concurrent = c.int("concurrent") ?? 0
            counts.tokens = c.int("tokens") ?? 0
            counts.requestsEdge =
                q.requestCap != nil && counts.requests >= q.requestCap! ? c.double("requests_edge") : nil
            counts.tokensEdge = q.tokenCap != nil ? c.double("tokens_edge") : nil
            counts.spendUSD = c.double("usd") ?? .nan
            counts.unpriced = c.int("unpriced") ?? 0
        }
        return counts
    }

    /// Starts the period's spend row from the usage log (the first admission of the key in the period).
    static func seedSpend(
        _ key: String, period: (name: String, start: Double), on connection: PostgresConnection, logger: Logger
    ) async throws -> (Double, Int) {
        var s = PostgresStatement()
        let k = s.bind(key)
        let name = s.bind(period.name)
        let start = s.bind(period.start)
        let sql = """
            INSERT INTO limit_spend (key_name, period, period_start, usd, unpriced)
            SELECT \(k), \(name), \(start), spent.usd, spent.unpriced FROM (\(spendSelect(key: k, since: start))) spent
            ON CONFLICT DO NOTHING RETURNING usd, unpriced
            """
        var seeded: (Double, Int) = (0, 0)
        for try await row in try await connection.query(s.query(sql), logger: logger) {
            let c = PostgresColumns(row)
            seeded = (c.double("usd") ?? 0, c.int("unpriced") ?? 0)
        }
        return seeded
    }
}
