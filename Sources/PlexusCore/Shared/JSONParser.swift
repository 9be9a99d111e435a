/// Why a JSON document could not be parsed, with the byte offset where it went wrong.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSONValue {
    /// Parses UTF-8 JSON, keeping object key order. Nesting deeper than `maxDepth` is refused.
    public init(parsing bytes: some Collection<UInt8>, maxDepth: Int = 128) throws(JSONParseError) {
        let parsed: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONByteParser(bytes: buffer, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            self = try Self.parse(Array(bytes), maxDepth: maxDepth)
        }
    }

    private static func parse(_ bytes: [UInt8], maxDepth: Int) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONByteParser(bytes: buffer, maxDepth: maxDepth)
            return try parser.parseDocument()
        }
    }

    /// Parses a JSON string.
    public init(parsing text: String, maxDepth: Int = 128) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8), maxDepth: maxDepth)
    }
}

extension JSONValue {
    /// Parses a document and reports where each top-level member's value lies in the bytes,
    /// so passthrough can patch a field (the model name) without re-encoding the body.
    public static func parseWithTopLevelSpans(_ bytes: [UInt8], maxDepth: Int = 128) throws(JSONParseError)
        -> (value: JSONValue, spans: [(key: String, range: Range<Int>)])
    {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONByteParser(bytes: buffer, maxDepth: maxDepth)
            parser.topLevelSpans = []
            let v = try parser.parseDocument()
            return (v, parser.topLevelSpans ?? [])
        }
    }
}

/// A recursive-descent JSON parser over bytes that outlive it (the caller's `withUnsafeBufferPointer`).
struct JSONByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var i = 0
    var depth = 0
    /// Byte ranges of the top-level object's member values, when asked for.
    var topLevelSpans: [(key: String, range: Range<Int>)]? = nil

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument(_ pick: JSONPick = .all) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let v = try parseValue(pick)
        try finishDocument()
        return v
    }

    /// Checks that only whitespace follows the document's value.
    mutating func finishDocument() throws(JSONParseError) {
        skipWhitespace()
        guard i == bytes.count else { throw fail("unexpected data after the JSON value") }
    }

    func fail(_ message: String) -> JSONParseError { JSONParseError(offset: i, message: message) }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// The value at `i`, built as far as `pick` asks (see `JSONPick`).
    mutating func parseValue(_ pick: JSONPick = .all) throws(JSONParseError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject(pick)
        case UInt8(ascii: "["): return try parseArray(pick)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of JSON") }
        let p = word.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("invalid literal") }
        i += n
    }

    /// After a member or an element: true past a `,` (another follows), false past `close` (the container ended).
    @inline(__always)
    mutating func moreMembers(before close: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard i < bytes.count else { throw fail("unexpected end of JSON") }
        if bytes[i] == UInt8(ascii: ",") {
            i += 1
            return true
        }
        if bytes[i] == close {
            i += 1
            return false
        }
        throw fail(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
    }

    mutating func parseObject(_ pick: JSONPick = .all) throws(JSONParseError) -> JSONValue {
        let wanted: JSONPickMembers? = if case .members(let members) = pick { members } else { nil }
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        var obj = JSONObject(reservingCapacity: 8)
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let (key, wantedAt) = try parseKey(wanted, named: depth == 1 && topLevelSpans != nil)
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            let valueStart = i
            if let wanted {
                if let at = wantedAt {
                    obj[wanted.names[at]] = try parseValue(wanted.picks[at])
                } else {
                    try skipValue()
                }
            } else {
                obj[key!] = try parseValue()
            }
            if depth == 1, topLevelSpans != nil { topLevelSpans!.append((key!, valueStart..<i)) }
            guard try moreMembers(before: UInt8(ascii: "}")) else { break }
        }
        depth -= 1
        return .object(obj)
    }

    /// An object's key. With a pick, an unescaped key is matched against the wanted ones in place and built only
    /// when `named` asks (member spans) or no pick applies: most keys of a picked object are skipped.
    private mutating func parseKey(
        _ wanted: JSONPickMembers?, named: Bool
    ) throws(JSONParseError) -> (key: String?, wantedAt: Int?) {
        guard let wanted else { return (try parseString(), nil) }
        let start = i + 1
        let end = plainRunEnd(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            let key = try parseString()
            return (key, wanted.names.firstIndex(of: key))
        }
        i = end + 1
        let run = UnsafeBufferPointer(rebasing: bytes[start..<end])
        return (named ? String(decoding: run, as: UTF8.self) : nil, wanted.index(of: run))
    }

    mutating func parseArray(_ pick: JSONPick = .all) throws(JSONParseError) -> JSONValue {
        let each: JSONPick = if case .elements(let element) = pick { element } else { .all }
        try enter()
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(each))
            guard try moreMembers(before: UInt8(ascii: "]")) else { break }
        }
        depth -= 1
        return .array(items)
    }

    /// A number as RFC 8259 writes it (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`), finite as a Double.
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = i
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let digitsStart = i
        var integer = 0
        while i < bytes.count, bytes[i] &- 0x30 < 10 {
            integer = integer &* 10 &+ Int(bytes[i] &- 0x30)
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0, digits == 1 || bytes[digitsStart] != 0x30 else {
            throw JSONParseError(offset: start, message: "invalid number")
        }
        var plain = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            plain = false
            i += 1
            try skipDigits(number: start)
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            plain = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            try skipDigits(number: start)
        }
        // Plain integers (token counts, timestamps, indexes: most numbers here) need no text round trip; up to
        // 15 digits they are exact in a Double.
        if plain, digits <= 15 { return Double(negative ? -integer : integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw JSONParseError(offset: start, message: "number out of range")
        }
        return d
    }

    /// One or more digits of a number's fraction or exponent.
    private mutating func skipDigits(number start: Int) throws(JSONParseError) {
        let from = i
        while i < bytes.count, bytes[i] &- 0x30 < 10 { i += 1 }
        guard i > from else { throw JSONParseError(offset: start, message: "invalid number") }
    }

    mutating func parseString() throws(JSONParseError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        i = plainRunEnd(from: i)
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            i += 1
            return s
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let end = plainRunEnd(from: i)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
            i = end
            guard i < bytes.count else { break }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in string") }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"): try appendUnicodeEscape(into: &out)
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func appendUnicodeEscape(into out: inout [UInt8]) throws(JSONParseError) {
        var code = try readHex4()
        if code >= 0xD800 && code < 0xDC00, i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") {
            i += 2
            let low = try readHex4()
            if low >= 0xDC00 && low < 0xE000 {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                code = low
            }
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
