import Foundation
import PlexusCore
import PlexusStorage
import Synchronization

/// The requests running now, for the dashboard's in-flight view. Entries are small values; the JSON is built only
/// when someone asks.
final class InFlightTable: Sendable {
    /// What is known about a running request.
    struct Entry: Sendable {
        var id: String
        var startedAt: Date
        var key: String?
        var alias: String?
        var clientAPI: APIProtocol
        var streamed: Bool
        var kind: RequestKind = .chat
        /// The label of a `SECRET:label` token.
        var attribution: String?

        var json: JSONValue {
            [
                "request_id": .string(id), "started_at": .string(ISOTime.string(startedAt)),
                "key": key.map(JSONValue.string) ?? .null, "alias": alias.map(JSONValue.string) ?? .null,
                "attribution": attribution.map(JSONValue.string) ?? .null,
                "kind": .string(kind.rawValue), "client_api": .string(clientAPI.rawValue), "streamed": .bool(streamed),
            ]
        }
    }

    private let requests = Mutex<[String: Entry]>([:])
    private let startedCount = Atomic<Int>(0)

    func add(_ entry: Entry) {
        requests.withLock { $0[entry.id] = entry }
        startedCount.add(1, ordering: .relaxed)
    }

    /// Requests started since the process began (to tell a quiet spell from a busy one between two looks).
    var started: Int { startedCount.load(ordering: .relaxed) }

    func remove(_ id: String) { _ = requests.withLock { $0.removeValue(forKey: id) } }

    /// How many requests are running (their rows not yet committed).
    var count: Int { requests.withLock { $0.count } }

    /// Oldest first.
    var all: [JSONValue] {
        requests.withLock { Array($0.values) }.sorted { $0.startedAt < $1.startedAt }.map(\.json)
    }
}
