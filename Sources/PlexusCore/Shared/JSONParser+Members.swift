/// Which parts of a JSON document to build; everything else is still checked, then skipped unbuilt.
///
/// A gateway needs a few members of large documents (a request's routing fields, an answer's usage), and building
/// every message's text only to drop it was most of the parse. A pick that does not fit the value found (members
/// of an array, say) builds that value whole.
public indirect enum JSONPick: Sendable {
    /// The whole value.
    case all
    /// Only these members of an object, each with its own pick.
    case members(JSONPickMembers)
    /// Every element of an array, with this pick.
    case elements(JSONPick)
}

/// The members a pick keeps, with their keys' bytes, so that a skipped member's key is compared in place
/// instead of being built as a string and hashed.
public final class JSONPickMembers: Sendable, ExpressibleByDictionaryLiteral {
    let names: [String]
    let keys: [[UInt8]]
    let picks: [JSONPick]

    public required init(dictionaryLiteral elements: (String, JSONPick)...) {
        names = elements.map(\.0)
        keys = elements.map { Array($0.0.utf8) }
        picks = elements.map(\.1)
    }

    /// These members, each built whole.
    public init(_ names: some Sequence<String>) {
        self.names = Array(names)
        keys = self.names.map { Array($0.utf8) }
        picks = Array(repeating: .all, count: self.names.count)
    }

    /// The position of the member whose key is exactly `bytes`.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        keys.firstIndex { key in key.count == bytes.count && key.withUnsafeBufferPointer { $0.elementsEqual(bytes) } }
    }
}

extension JSONValue {
    /// Parses `bytes`, building only what `pick` names (see `JSONPick`).
    public init(parsing bytes: UnsafeBufferPointer<UInt8>, pick: JSONPick, maxDepth: Int = 128) throws(JSONParseError) {
        var parser = JSONByteParser(bytes: bytes, maxDepth: maxDepth)
        self = try parser.parseDocument(pick)
    }

    /// Parses a top-level object, building values only for the members named in `keeping`: the others are
    /// checked and skipped, and every member's value is located (`spans`), as `parseWithTopLevelSpans` does.
    /// A gateway reads a few routing fields of a request body and forwards or re-parses the rest, so building the
    /// whole tree (every message's text) was wasted work. Nil when the document is valid JSON but not an object.
    public static func parseMembers(
        _ bytes: [UInt8], keeping: Set<String>, maxDepth: Int = 128
    ) throws(JSONParseError) -> (members: JSONObject, spans: [(key: String, range: Range<Int>)])? {
        try parseMembers(bytes, keeping: JSONPickMembers(keeping), maxDepth: maxDepth)
    }

    /// As above, with the kept members made once by the caller (this runs for every request).
    public static func parseMembers(
        _ bytes: [UInt8], keeping: JSONPickMembers, maxDepth: Int = 128
    ) throws(JSONParseError) -> (members: JSONObject, spans: [(key: String, range: Range<Int>)])? {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONByteParser(bytes: buffer, maxDepth: maxDepth)
            // Reserved in place: growing from empty reallocated it for every request, and reserving a local copy
            // first left the parser's array shared, so its first append copied it.
            parser.topLevelSpans = []
            parser.topLevelSpans!.reserveCapacity(16)
            guard case .object(let members) = try parser.parseDocument(.members(keeping)) else { return nil }
            return (members, parser.topLevelSpans ?? [])
        }
    }
}

extension JSONByteParser {
    /// Checks one value and moves past it without building it.
    mutating func skipValue() throws(JSONParseError) {
        guard i < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool) throws(JSONParseError) {
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == close {
            i += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            if keyed {
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                try skipString()
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
            }
            try skipValue()
            guard try moreMembers(before: close) else { break }
        }
        depth -= 1
    }

    /// Moves past a string, checking escapes (a `\u` needs four hex digits) and control characters.
    private mutating func skipString() throws(JSONParseError) {
        i += 1
        while i < bytes.count {
            i = plainRunEnd(from: i)
            guard i < bytes.count else { break }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return
            }
            if c < 0x20 { throw fail("control character in string") }
            i += 1
            guard c == UInt8(ascii: "\\") else { continue }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"): _ = try readHex4()
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }
}
