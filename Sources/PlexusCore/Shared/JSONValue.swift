/// A JSON document of any shape, kept with its object key order.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered JSON object: key order survives decoding and encoding.
public struct JSONObject: Sendable, Hashable {
    /// Members in document order. Most objects are small, where a scan beats hashing every key on insert
    /// (the parser's and the writer's main cost when this was a dictionary beside a key list).
    private var entries: [(key: String, value: JSONValue)]
    /// Key to position, kept only for objects larger than `indexThreshold`.
    private var index: [String: Int]?
    /// One bit per (length, first byte) class of the keys ever inserted: a clear bit proves a key absent without
    /// comparing strings. Most lookups while building or decoding are misses (new keys, optional fields).
    private var keyMask: UInt64 = 0

    private static let indexThreshold = 16

    public init() {
        entries = []
        index = nil
    }

    private static func maskBit(_ key: String) -> UInt64 {
        let utf8 = key.utf8
        // The first byte through the contiguous storage: `utf8.first` went through String's index machinery,
        // about 50 instructions a lookup, and translation looks keys up dozens of times per request.
        let first = utf8.withContiguousStorageIfAvailable { $0.first ?? 0 } ?? (utf8.first ?? 0)
        return 1 << UInt64((utf8.count &* 7 &+ Int(first)) & 63)
    }

    /// An empty object with room for `capacity` members (parsers: most objects are small, and growing one
    /// member at a time reallocated several times).
    init(reservingCapacity capacity: Int) {
        self.init()
        entries.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Keys in document order.
    public var keys: [String] { entries.map(\.key) }
    /// The members as a dictionary (order lost).
    public var storage: [String: JSONValue] { Dictionary(entries.map { ($0.key, $0.value) }) { _, last in last } }

    private func position(of key: String) -> Int? {
        if keyMask & Self.maskBit(key) == 0 { return nil }
        if let index { return index[key] }
        for i in entries.indices where entries[i].key == key { return i }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            let at = position(of: key)
            if let newValue {
                if let at {
                    entries[at].value = newValue
                } else {
                    entries.append((key, newValue))
                    keyMask |= Self.maskBit(key)
                    if index != nil {
                        index![key] = entries.count - 1
                    } else if entries.count > Self.indexThreshold {
                        reindex()
                    }
                }
            } else if let at {
                entries.remove(at: at)
                if index != nil { reindex() }
            }
        }
    }

    private mutating func reindex() {
        guard entries.count > Self.indexThreshold else {
            index = nil
            return
        }
        var map = [String: Int](minimumCapacity: entries.count)
        for (i, e) in entries.enumerated() { map[e.key] = i }
        index = map
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }
    /// Key-value pairs in document order.
    public var pairs: [(key: String, value: JSONValue)] { entries }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for e in entries {
            hasher.combine(e.key)
            hasher.combine(e.value)
        }
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var doubleValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var intValue: Int? { if case .number(let n) = self, n.rounded() == n, abs(n) < 9e15 { Int(n) } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
