import Foundation
import PlexusCore
import SQLiteNIO

extension SQLiteUsageStore {
    static let errorColumns = ["request_id", "at", "provider", "model", "status", "message", "excerpt"]

    public func insertErrors(_ errors: [ErrorRecord]) async throws {
        for chunk in errors.chunked(by: 500) {
            _ = try await connection.query(
                Self.insertSQL(verb: "INSERT", table: "errors", columns: Self.errorColumns, rows: chunk.count),
                chunk.flatMap(\.binds))
        }
    }

    public func errors(query: PageQuery) async throws -> ErrorPage {
        var filter = SQLFilter()
        filter.range("at", from: query.from, to: query.to)
        // The tie-breaker is the row id: one request can fail several times at the same instant.
        try filter.before(query.cursor.map(PageCursor.init(encoded:)), time: "at", tie: "id", tieIsInteger: true)
        let limit = PageLimit.clamp(query.limit)
        let rows = try await connection.query(
            "SELECT * FROM errors\(filter.sql) ORDER BY at DESC, id DESC LIMIT ?", filter.binds + [.integer(limit + 1)])
        let items = rows.prefix(limit).compactMap(ErrorRecord.init(row:))
        let next = PageCursor.next(rows, limit: limit, time: "at", tie: "id")
        return ErrorPage(items: items, nextCursor: next)
    }

    public func deleteOlder(usageBefore: Date, tracesBefore: Date) async throws
        -> (usage: Int, traces: Int, errors: Int)
    {
        let usage = try await delete(from: "usage", column: "started_at", before: usageBefore)
        let traces = try await delete(from: "traces", column: "started_at", before: tracesBefore)
        let errors = try await delete(from: "errors", column: "at", before: usageBefore)
        return (usage, traces, errors)
    }

    /// Counts, then deletes: `changes()` could be another statement's on this shared connection.
    func delete(from table: String, column: String, before: Date) async throws -> Int {
        let cutoff = SQLiteData.float(before.timeIntervalSince1970)
        let count =
            try await connection.query("SELECT COUNT(*) AS n FROM \(table) WHERE \(column) < ?", [cutoff])
            .first?.column("n")?.integer ?? 0
        guard count > 0 else { return 0 }
        _ = try await connection.query("DELETE FROM \(table) WHERE \(column) < ?", [cutoff])
        return Int(count)
    }
}

extension ErrorRecord {
    /// Values in `SQLiteUsageStore.errorColumns` order.
    var binds: [SQLiteData] {
        [
            .text(requestID), .float(at.timeIntervalSince1970), .optionalText(provider), .optionalText(model),
            .optionalInt(status), .text(message), .optionalText(excerpt),
        ]
    }

    init?(row: SQLiteRow) {
        guard let id = row.column("request_id")?.string, let at = row.column("at")?.double,
            let message = row.column("message")?.string
        else { return nil }
        self.init(
            requestID: id, at: Date(timeIntervalSince1970: at), provider: row.column("provider")?.string,
            model: row.column("model")?.string, status: row.column("status")?.integer.map { Int($0) },
            message: message, excerpt: row.column("excerpt")?.string)
    }
}
