import Foundation
import Logging
import PlexusCore
import PlexusStorage

/// Stored Responses (TRANSLATION.md "State"): written before the client learns the id, read back only with the
/// key that created them.
struct StoredResponses: Sendable {
    let store: (any ResponseStore)?
    let logger: Logger

    /// The stored response `id` as the caller's key may see it; a foreign or unknown id is the same 404.
    func lookup(_ id: String, key: String) async throws(PlexusError) -> StoredResponse {
        let found: StoredResponse?
        do { found = try await store?.storedResponse(id: id) } catch {
            logger.error(
                "stored response read failed", metadata: ["response.id": "\(id)", "storage.error": "\(error)"])
            throw PlexusError(.unavailable, "stored responses cannot be read right now")
        }
        guard let found, found.keyName == key else { throw Self.notFound(id) }
        return found
    }

    /// Deletes a response `lookup` found for the caller's key.
    func delete(_ response: StoredResponse) async throws(PlexusError) {
        do { _ = try await store?.deleteResponse(id: response.id) } catch {
            throw PlexusError(.unavailable, "stored responses cannot be changed right now")
        }
    }

    /// Stores a finished turn; a failure is logged, not the client's problem (a later lookup gives 404).
    func remember(_ response: StoredResponse) async {
        guard let store else { return }
        do { try await store.insertResponse(response) } catch {
            logger.error(
                "stored response write failed",
                metadata: [
                    "response.id": "\(response.id)", "storage.error": "\(error)",
                ])
        }
    }

    static func notFound(_ id: String) -> PlexusError {
        PlexusError(.notFound, "Response with id '\(id)' not found.", param: "previous_response_id")
    }
}
