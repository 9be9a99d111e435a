import Foundation
import PlexusStorage
import PostgresNIO

extension PostgresUsageStore {
    public func insertTraces(_ traces: [TraceRecord]) async throws {
        // Bodies can be large, so statements stay small.
        try await upsert(
            traces, into: "traces", columns: StorageSupport.traceColumns, perStatement: 50, id: \.requestID,
            bind: { $0.bind(into: &$1) })
    }

    public func trace(id: String) async throws -> TraceRecord? {
        var statement = PostgresStatement()
        let sql = "SELECT * FROM traces WHERE request_id = \(statement.bind(id))"
        return try await rows(statement.query(sql)).first.flatMap(TraceRecord.init(postgres:))
    }

    public func traces(query: PageQuery) async throws -> TracePage {
        var statement = PostgresStatement()
        statement.range("started_at", from: query.from, to: query.to)
        try statement.before(query.cursor, time: "started_at", tie: "request_id")
        let limit = StorageSupport.clampLimit(query.limit)
        let sql =
            "SELECT request_id, started_at, key_name, alias, provider, status FROM traces\(statement.whereSQL) "
            + "ORDER BY started_at DESC, request_id DESC LIMIT " + statement.bind(limit + 1)
        let rows = try await rows(statement.query(sql))
        let items = rows.prefix(limit).compactMap(TraceSummary.init(postgres:))
        return TracePage(
            items: items,
            nextCursor: Self.nextCursor(
                rows, limit: limit, time: "started_at",
                tie: "request_id"))
    }

    public func hasTrace(ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        var statement = PostgresStatement()
        // One array parameter instead of a placeholder per id.
        let sql = "SELECT request_id FROM traces WHERE request_id = ANY(\(statement.bind(Array(Set(ids)))))"
        return Set(try await rows(statement.query(sql)).compactMap { $0.text("request_id") })
    }
}
