import Foundation
import SQLiteNIO

/// Stored Responses in the `responses` table, through the store's shared connection.
///
/// Not through the batched writer or the usage inserter: the server waits for the write before answering, and a
/// row is one statement. Each statement commits on its own (the shared connection never holds a transaction open),
/// so a returned insert is in the WAL file: it survives the process being killed. With `synchronous=NORMAL`, as
/// for every table, a power loss can still take the last commits.
extension SQLiteUsageStore: ResponseStore {
    static let responseColumns = [
        "id", "key_name", "created_at", "model", "previous_response_id", "conversation_id", "request_id", "input",
        "response",
    ]

    public func insertResponse(_ response: StoredResponse) async throws {
        _ = try await connection.query(
            Self.insertSQL(verb: "INSERT OR REPLACE", table: "responses", columns: Self.responseColumns, rows: 1),
            response.binds)
    }

    public func storedResponse(id: String) async throws -> StoredResponse? {
        let rows = try await connection.query("SELECT * FROM responses WHERE id = ?", [.text(id)])
        return rows.first.flatMap(StoredResponse.init(row:))
    }

    public func deleteResponse(id: String) async throws -> Bool {
        // RETURNING reports this statement's own rows; `changes()` could be another statement's on this connection.
        let rows = try await connection.query("DELETE FROM responses WHERE id = ? RETURNING id", [.text(id)])
        return !rows.isEmpty
    }

    public func deleteResponses(before: Date) async throws -> Int {
        try await delete(from: "responses", column: "created_at", before: before)
    }
}

extension StoredResponse {
    /// Values in `SQLiteUsageStore.responseColumns` order.
    var binds: [SQLiteData] {
        [
            .text(id), .text(keyName), .float(createdAt.timeIntervalSince1970), .text(model),
            .optionalText(previousResponseID), .text(conversationID), .text(requestID), .text(input), .text(response),
        ]
    }

    init?(row: SQLiteRow) {
        guard let id = row.column("id")?.string, let key = row.column("key_name")?.string,
            let created = row.column("created_at")?.double, let model = row.column("model")?.string,
            let conversation = row.column("conversation_id")?.string,
            let requestID = row.column("request_id")?.string,
            let input = row.column("input")?.string, let response = row.column("response")?.string
        else { return nil }
        self.init(
            id: id, keyName: key, createdAt: Date(timeIntervalSince1970: created), model: model,
            previousResponseID: row.column("previous_response_id")?.string, conversationID: conversation,
            input: input, response: response, requestID: requestID)
    }
}
