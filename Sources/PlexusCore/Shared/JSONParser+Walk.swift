/// Walking an object member by member without building it: the caller reads the values it wants and skips the
/// rest, so reading a few numbers out of an answer allocates nothing.
extension JSONByteParser {
    /// Calls `body` for each member of the object at `i`, with the key's bytes (in place when it has no escapes)
    /// and `i` at the member's value; `body` must move past the value (read it or `skipValue()`).
    mutating func walkObject(
        _ body: (inout JSONByteParser, UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("expected an object") }
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let start = i + 1
            let end = plainRunEnd(from: start)
            var escaped: String?
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") { i = end + 1 } else { escaped = try parseString() }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            if let escaped {
                try Array(escaped.utf8).withUnsafeBufferPointer { k throws(JSONParseError) in try body(&self, k) }
            } else {
                try body(&self, UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
            guard try moreMembers(before: UInt8(ascii: "}")) else { break }
        }
        depth -= 1
    }

    /// Calls `body` with `i` at each element of the array at `i` and its index; `body` must move past it.
    mutating func walkArray(_ body: (inout JSONByteParser, Int) throws(JSONParseError) -> Void) throws(JSONParseError) {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { throw fail("expected an array") }
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return
        }
        var index = 0
        while true {
            skipWhitespace()
            try body(&self, index)
            index += 1
            guard try moreMembers(before: UInt8(ascii: "]")) else { break }
        }
        depth -= 1
    }

    /// The first byte of the value at `i` (after whitespace the caller skipped), or 0 at the end.
    var lead: UInt8 { i < bytes.count ? bytes[i] : 0 }

    /// Whether the array at `i` has at least one element (looked at without moving).
    var arrayIsNonEmpty: Bool {
        guard lead == UInt8(ascii: "[") else { return false }
        var ahead = self
        ahead.i += 1
        ahead.skipWhitespace()
        return ahead.i < bytes.count && bytes[ahead.i] != UInt8(ascii: "]")
    }

    /// The value at `i` when it is a string, else nil; moves past the value either way.
    mutating func stringOrSkip() throws(JSONParseError) -> String? {
        if lead == UInt8(ascii: "\"") { return try parseString() }
        try skipValue()
        return nil
    }

    /// The value at `i` read as `JSONValue.looseInt` reads it (a number or a numeric string); moves past it.
    mutating func looseIntOrSkip() throws(JSONParseError) -> Int? {
        switch lead {
        case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseValue().looseInt
        default:
            try skipValue()
            return nil
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `text` exactly.
    func spells(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        for k in 0..<count where self[k] != p[k] { return false }
        return true
    }
}
