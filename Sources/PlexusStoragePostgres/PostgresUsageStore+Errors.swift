import Foundation
import PlexusStorage
import PostgresNIO

extension PostgresUsageStore {
    public func insertErrors(_ errors: [ErrorRecord]) async throws {
        guard !errors.isEmpty else { return }
        let columns = StorageSupport.errorColumns
        try await write(
            errors.chunked(by: 500).map { chunk in
                var statement = PostgresStatement()
                for error in chunk { error.bind(into: &statement) }
                return statement.query(
                    PostgresStatement.insertSQL(table: "errors", columns: columns, rows: chunk.count))
            })
    }

    public func errors(query: PageQuery) async throws -> ErrorPage {
        var statement = PostgresStatement()
        statement.range("at", from: query.from, to: query.to)
        // The tie-breaker is the row id: one request can fail several times at the same instant.
        try statement.before(query.cursor, time: "at", tie: "id", tieIsInteger: true)
        let limit = StorageSupport.clampLimit(query.limit)
        let sql =
            "SELECT * FROM errors\(statement.whereSQL) ORDER BY at DESC, id DESC LIMIT "
            + statement.bind(limit + 1)
        let rows = try await rows(statement.query(sql))
        let items = rows.prefix(limit).compactMap(ErrorRecord.init(postgres:))
        return ErrorPage(
            items: items,
            nextCursor: Self.nextCursor(
                rows, limit: limit, time: "at", tie: "id",
                tieIsInteger: true))
    }

    public func deleteOlder(usageBefore: Date, tracesBefore: Date) async throws
        -> (usage: Int, traces: Int, errors: Int)
    {
        // One statement: each CTE deletes and counts its table, so the counts are exactly what went.
        var statement = PostgresStatement()
        let usageCut = statement.bind(usageBefore.timeIntervalSince1970)
        let traceCut = statement.bind(tracesBefore.timeIntervalSince1970)
        let rows = try await rows(
            statement.query(
                """
                WITH u AS (DELETE FROM usage WHERE started_at < \(usageCut) RETURNING 1),
                     t AS (DELETE FROM traces WHERE started_at < \(traceCut) RETURNING 1),
                     e AS (DELETE FROM errors WHERE at < \(usageCut) RETURNING 1)
                SELECT (SELECT COUNT(*) FROM u) AS usage, (SELECT COUNT(*) FROM t) AS traces,
                       (SELECT COUNT(*) FROM e) AS errors
                """))
        let counts = rows.first
        return (counts?.int("usage") ?? 0, counts?.int("traces") ?? 0, counts?.int("errors") ?? 0)
    }
}
