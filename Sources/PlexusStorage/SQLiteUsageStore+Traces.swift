import Foundation
import PlexusCore
import SQLiteNIO

extension SQLiteUsageStore {
    static let traceColumns = ["request_id", "started_at", "key_name", "alias", "provider", "status", "body"]

    public func insertTraces(_ traces: [TraceRecord]) async throws {
        // Bodies can be large, so chunks stay small; each chunk is one statement (atomic on its own).
        for chunk in traces.chunked(by: 50) {
            _ = try await connection.query(
                Self.insertSQL(
                    verb: "INSERT OR REPLACE", table: "traces", columns: Self.traceColumns,
                    rows: chunk.count),
                chunk.flatMap(\.binds))
        }
    }

    public func trace(id: String) async throws -> TraceRecord? {
        let rows = try await connection.query("SELECT * FROM traces WHERE request_id = ?", [.text(id)])
        return rows.first.flatMap(TraceRecord.init(row:))
    }

    public func traces(query: PageQuery) async throws -> TracePage {
        var filter = SQLFilter()
        filter.range("started_at", from: query.from, to: query.to)
        try filter.before(query.cursor.map(PageCursor.init(encoded:)), time: "started_at", tie: "request_id")
        let limit = PageLimit.clamp(query.limit)
        let rows = try await connection.query(
            "SELECT request_id, started_at, key_name, alias, provider, status FROM traces\(filter.sql) "
                + "ORDER BY started_at DESC, request_id DESC LIMIT ?",
            filter.binds + [.integer(limit + 1)])
        let items = rows.prefix(limit).compactMap(TraceSummary.init(row:))
        let next = PageCursor.next(rows, limit: limit, time: "started_at", tie: "request_id")
        return TracePage(items: items, nextCursor: next)
    }

    public func hasTrace(ids: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for chunk in Array(Set(ids)).chunked(by: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try await connection.query(
                "SELECT request_id FROM traces WHERE request_id IN (\(marks))", chunk.map { .text($0) })
            for row in rows { if let id = row.column("request_id")?.string { found.insert(id) } }
        }
        return found
    }

    /// `VERB INTO table (cols) VALUES (?,…),(?,…)` for `rows` rows.
    static func insertSQL(verb: String, table: String, columns: [String], rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        return "\(verb) INTO \(table) (\(columns.joined(separator: ","))) VALUES "
            + Array(repeating: one, count: rows).joined(separator: ",")
    }
}

extension TraceRecord {
    /// Values in `SQLiteUsageStore.traceColumns` order.
    var binds: [SQLiteData] {
        [
            .text(requestID), .float(startedAt.timeIntervalSince1970), .optionalText(keyName), .optionalText(alias),
            .optionalText(provider), .optionalText(status?.rawValue), .text(body),
        ]
    }

    init?(row: SQLiteRow) {
        guard let summary = TraceSummary(row: row), let body = row.column("body")?.string else { return nil }
        self.init(
            requestID: summary.requestID, startedAt: summary.startedAt, keyName: summary.keyName,
            alias: summary.alias, provider: summary.provider, status: summary.status, body: body)
    }
}

extension TraceSummary {
    init?(row: SQLiteRow) {
        guard let id = row.column("request_id")?.string, let started = row.column("started_at")?.double else {
            return nil
        }
        self.init(
            requestID: id, startedAt: Date(timeIntervalSince1970: started),
            keyName: row.column("key_name")?.string,
            alias: row.column("alias")?.string, provider: row.column("provider")?.string,
            status: row.column("status")?.string.flatMap(UsageRecord.Outcome.init(rawValue:)))
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
