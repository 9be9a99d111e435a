import PlexusCore
import Yams

/// Reads one YAML mapping key by key, remembering which keys were used so the rest can be rejected as
/// unknown.
struct MappingReader {
    /// One `key: value` pair as written.
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let decoder: ConfigDecoder
    let path: String
    let node: Node
    private(set) var entries: [Entry]
    private var used: Set<String> = []

    /// Reads `node` as a mapping; null is an empty mapping; anything else is reported and gives `nil`.
    init?(_ node: Node, at path: String, decoder: ConfigDecoder) {
        self.decoder = decoder
        self.path = path
        self.node = node
        switch node {
        case .mapping(let mapping):
            entries = Self.entries(of: mapping, at: path, decoder: decoder)
        case .scalar where decoder.isNull(node):
            entries = []
        default:
            decoder.report("expected a mapping, got \(decoder.describe(node))", at: path, node: node)
            return nil
        }
        for entry in entries { decoder.record(childPath(entry.key), mark: entry.keyNode.mark) }
    }

    /// The pairs of a mapping with YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) applied: written keys win,
    /// then merged mappings in order.
    private static func entries(of mapping: Node.Mapping, at path: String, decoder: ConfigDecoder) -> [Entry] {
        var own: [Entry] = []
        var merged: [Entry] = []
        for (key, value) in mapping {
            guard key.string == "<<", case .scalar(let scalar) = key, scalar.style == .plain else {
                own.append(Entry(key: key.string ?? "", keyNode: key, value: value))
                continue
            }
            let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
            for source in sources {
                guard case .mapping(let inner) = source else {
                    decoder.report("'<<' merges a mapping or a list of mappings", at: "\(path).<<", node: key)
                    continue
                }
                merged += entries(of: inner, at: path, decoder: decoder)
            }
        }
        for entry in merged where !own.contains(where: { $0.key == entry.key }) { own.append(entry) }
        return own
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value for `key`, marking it used; `nil` when absent.
    mutating func take(_ key: String) -> Node? {
        used.insert(key)
        return entries.first { $0.key == key }?.value
    }

    /// The value for `key` unless absent or null.
    mutating func value(_ key: String) -> Node? {
        guard let node = take(key), !decoder.isNull(node) else { return nil }
        return node
    }

    /// Reports a missing required key at this mapping's location.
    func reportMissing(_ key: String) {
        decoder.report(
            "missing required key '\(key)'", at: childPath(key), node: decoder.locations[path] == nil ? node : nil)
    }

    // MARK: Typed values (absent or null -> nil)

    mutating func string(_ key: String) -> String? {
        value(key).flatMap { decoder.string($0, at: childPath(key)) }
    }

    mutating func requiredString(_ key: String) -> String? {
        guard let node = value(key) else {
            reportMissing(key)
            return nil
        }
        return decoder.string(node, at: childPath(key))
    }

    mutating func integer(_ key: String) -> Int? {
        value(key).flatMap { decoder.integer($0, at: childPath(key)) }
    }

    mutating func number(_ key: String) -> Double? {
        value(key).flatMap { decoder.number($0, at: childPath(key)) }
    }

    mutating func bool(_ key: String) -> Bool? {
        value(key).flatMap { decoder.bool($0, at: childPath(key)) }
    }

    /// A list of strings; `nil` when absent (or when not a list, which is reported).
    mutating func stringList(_ key: String) -> [String]? {
        guard let node = take(key), let items = decoder.list(node, at: childPath(key)) else { return nil }
        return items.compactMap { decoder.string($0.node, at: $0.path) }
    }

    /// A nested mapping; absent or null is an empty mapping.
    mutating func mapping(_ key: String) -> MappingReader? {
        guard let node = take(key) else { return MappingReader(Node.emptyScalar, at: childPath(key), decoder: decoder) }
        return MappingReader(node, at: childPath(key), decoder: decoder)
    }

    /// Reports every key that was never taken, suggesting a close known key.
    func rejectUnknownKeys() {
        for entry in entries where !used.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if let guess = used.min(by: { editDistance($0, entry.key) < editDistance($1, entry.key) }),
                editDistance(guess, entry.key) <= 2
            {
                message += " (did you mean '\(guess)'?)"
            }
            decoder.report(message, at: childPath(entry.key), node: entry.keyNode)
        }
    }
}

extension Node {
    /// A plain null scalar, for absent sections.
    static var emptyScalar: Node { Node("", .implicit, .plain) }
}

/// Levenshtein distance, for "did you mean" hints on short key names.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        previous = current
    }
    return previous[b.count]
}
