import Foundation
import PlexusStorage
import PostgresNIO

/// Stored Responses in the `responses` table: one autocommitted statement each, so an insert that returned is
/// committed (and, with the server's default `synchronous_commit`, flushed) before the client learns the id.
extension PostgresUsageStore: ResponseStore {
    public func insertResponse(_ response: StoredResponse) async throws {
        let columns = StorageSupport.responseColumns
        var statement = PostgresStatement()
        response.bind(into: &statement)
        try await write([
            statement.query(
                PostgresStatement.insertSQL(table: "responses", columns: columns, rows: 1)
                    + PostgresStatement.replaceClause(key: "id", columns: columns))
        ])
    }

    public func storedResponse(id: String) async throws -> StoredResponse? {
        var statement = PostgresStatement()
        let sql = "SELECT * FROM responses WHERE id = \(statement.bind(id))"
        return try await rows(statement.query(sql)).first.flatMap(StoredResponse.init(postgres:))
    }

    public func deleteResponse(id: String) async throws -> Bool {
        var statement = PostgresStatement()
        let sql = "DELETE FROM responses WHERE id = \(statement.bind(id)) RETURNING id"
        return try await !rows(statement.query(sql)).isEmpty
    }

    public func deleteResponses(before: Date) async throws -> Int {
        // One statement, so the count is exactly what this DELETE removed.
        var statement = PostgresStatement()
        let cut = statement.bind(before.timeIntervalSince1970)
        let sql = "WITH d AS (DELETE FROM responses WHERE created_at < \(cut) RETURNING 1) SELECT COUNT(*) AS n FROM d"
        return try await rows(statement.query(sql)).first?.int("n") ?? 0
    }
}

extension StoredResponse {
    /// Binds in `StorageSupport.responseColumns` order.
    func bind(into statement: inout PostgresStatement) {
        _ = statement.bind(id)
        _ = statement.bind(keyName)
        _ = statement.bind(createdAt.timeIntervalSince1970)
        _ = statement.bind(model)
        _ = statement.bind(previousResponseID)
        for text in [conversationID, requestID, input, response] { _ = statement.bind(text) }
    }

    init?(postgres row: PostgresColumns) {
        guard let id = row.text("id"), let key = row.text("key_name"), let created = row.double("created_at"),
            let model = row.text("model"), let conversation = row.text("conversation_id"),
            let requestID = row.text("request_id"), let input = row.text("input"),
            let response = row.text("response")
        else { return nil }
        self.init(
            id: id, keyName: key, createdAt: Date(timeIntervalSince1970: created), model: model,
            previousResponseID: row.text("previous_response_id"), conversationID: conversation, input: input,
            response: response, requestID: requestID)
    }
}
