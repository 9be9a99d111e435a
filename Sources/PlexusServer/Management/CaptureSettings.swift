import PlexusCore
import PlexusRouting
import Synchronization

/// Debug capture switches: global, on error, and filters by key, alias or provider (any match captures).
final class CaptureSettings: Sendable {
    /// The settings' current values.
    struct Values: Sendable, Equatable {
        var capture: Bool
        var captureOnError: Bool
        var keys: [String] = []
        var aliases: [String] = []
        var providers: [String] = []

        var json: JSONValue {
            [
                "capture": .bool(capture), "capture_on_error": .bool(captureOnError),
                "filters": [
                    "keys": .array(keys.map(JSONValue.string)), "aliases": .array(aliases.map(JSONValue.string)),
                    "providers": .array(providers.map(JSONValue.string)),
                ],
            ]
        }
    }

    private let values: Mutex<Values>

    init(_ config: DebugConfig) {
        values = Mutex(Values(capture: config.capture, captureOnError: config.captureOnError))
    }

    var current: Values { values.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) -> Values {
        values.withLock {
            change(&$0)
            return $0
        }
    }

    /// Whether a request should be traced from its start (capture on errors is decided at its end).
    func captures(key: String?, alias: String?, provider: String?) -> Bool {
        values.withLock { v in
            if v.capture { return true }
            if let key, v.keys.contains(key) { return true }
            if let alias, v.aliases.contains(alias) { return true }
            if let provider, v.providers.contains(provider) { return true }
            return false
        }
    }
}
