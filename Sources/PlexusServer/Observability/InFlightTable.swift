import PlexusCore
import Synchronization

/// The requests running now (their `request_started` payloads), for the dashboard's in-flight view.
final class InFlightTable: Sendable {
    private let requests = Mutex<[String: JSONValue]>([:])

    func add(_ id: String, _ started: JSONValue) { requests.withLock { $0[id] = started } }

    func remove(_ id: String) { _ = requests.withLock { $0.removeValue(forKey: id) } }

    /// Oldest first.
    var all: [JSONValue] {
        requests.withLock { Array($0.values) }.sorted {
            ($0["started_at"]?.stringValue ?? "") < ($1["started_at"]?.stringValue ?? "")
        }
    }
}
