import Foundation

/// One stored OpenAI Responses object (`POST /v1/responses` without `store: false`), kept so that
/// `GET /v1/responses/{id}` can return it and a later `previous_response_id` can continue from it.
///
/// The JSON columns are opaque to storage: the server builds and reads them.
public struct StoredResponse: Sendable, Equatable {
    /// The `resp_…` id the gateway gave the client.
    public var id: String
    /// The gateway key that created it: the owner, the only key that may read or delete it.
    public var keyName: String
    public var createdAt: Date
    /// The model the client asked for (the alias), not the upstream's.
    public var model: String
    public var previousResponseID: String?
    /// The id of the first response of the `previous_response_id` chain (`id` itself for a first response):
    /// every turn of one conversation routes to the same target.
    public var conversationID: String
    /// JSON array: every input item of this turn, history included, so the next turn needs no walk up the chain.
    public var input: String
    /// JSON object: the whole Responses object as returned to the client, `output` included.
    public var response: String
    /// The request id of this turn's usage row.
    public var requestID: String

    public init(
        id: String, keyName: String, createdAt: Date, model: String, previousResponseID: String? = nil,
        conversationID: String? = nil, input: String, response: String, requestID: String
    ) {
        self.id = id
        self.keyName = keyName
        self.createdAt = createdAt
        self.model = model
        self.previousResponseID = previousResponseID
        self.conversationID = conversationID ?? id
        self.input = input
        self.response = response
        self.requestID = requestID
    }
}

/// Where stored responses live: the usage store's own database (SQLite file or PostgreSQL schema), so they
/// share its retention and backups.
///
/// Ownership is the caller's check: compare `keyName` with the requesting key before returning or deleting.
public protocol ResponseStore: Sendable {
    /// Inserts, or replaces by id. Committed when it returns: the server tells the client the id only after this,
    /// so a crash right after must not lose it.
    func insertResponse(_ response: StoredResponse) async throws
    /// One response by id, nil when there is none (never stored, deleted or expired).
    func storedResponse(id: String) async throws -> StoredResponse?
    /// Deletes one response; true when there was one to delete.
    func deleteResponse(id: String) async throws -> Bool
    /// Deletes responses created before `before`; returns how many went.
    func deleteResponses(before: Date) async throws -> Int
}
