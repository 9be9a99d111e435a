import Foundation
import PlexusCore

/// `JSONValue(parsing:)` must round-trip what it accepts, and accept on printable ASCII only what Foundation's parser
/// accepts, as the same value. The other way round is no finding: Foundation takes `00000000: 1e400` as 0.
enum JSONParserCheck {
    static func check(_ input: [UInt8]) -> String? {
        let parsed = try? JSONValue(parsing: input)
        if let parsed, let broken = roundTrip(parsed) { return broken }
        // Differential only where both parsers mean the same thing by the bytes: printable ASCII (no question of
        // invalid UTF-8 or lone surrogates) and shallow nesting (each parser has its own depth limit).
        guard input.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) }),
            depth(input) < 100, !input.contains(UInt8(ascii: "\\"))
        else { return nil }
        let foundation = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])
        switch (parsed, foundation) {
        case (nil, nil): return nil
        case (.some, nil):
            return "accepted JSON that Foundation refuses: \(String(decoding: input.prefix(200), as: UTF8.self))"
        case (nil, .some): return nil
        case (.some(let ours), .some(let theirs)):
            guard same(ours, theirs) else { return "parsed \(ours) where Foundation parsed \(theirs)" }
            return nil
        }
    }

    /// Writing a parsed value and parsing it again gives it back, and writing is then stable.
    private static func roundTrip(_ value: JSONValue) -> String? {
        let written = value.serialized()
        guard let again = try? JSONValue(parsing: written) else {
            return "could not parse its own output: \(String(decoding: written.prefix(200), as: UTF8.self))"
        }
        guard again == value || hasNaNOrInfinity(value) else { return "round trip changed \(value) into \(again)" }
        guard again.serialized() == written else { return "writing is not stable for \(value)" }
        return nil
    }

    private static func hasNaNOrInfinity(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let n): !n.isFinite
        case .array(let items): items.contains(where: hasNaNOrInfinity)
        case .object(let o): o.keys.contains { o[$0].map(hasNaNOrInfinity) ?? false }
        default: false
        }
    }

    private static func depth(_ input: [UInt8]) -> Int {
        var d = 0
        var most = 0
        for b in input {
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                d += 1
                most = max(most, d)
            }
            if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") { d -= 1 }
        }
        return most
    }

    /// The same document: numbers within a relative 1e-12 (decimal text to binary is not unique across parsers).
    private static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let b): return (theirs as? NSNumber).map { isBool($0) && $0.boolValue == b } ?? false
        case .number(let n):
            guard let t = theirs as? NSNumber, !isBool(t) else { return false }
            let d = t.doubleValue
            return n == d || abs(n - d) <= 1e-12 * max(abs(n), abs(d))
        case .string(let s): return (theirs as? String) == s
        case .array(let items):
            guard let t = theirs as? [Any], t.count == items.count else { return false }
            return zip(items, t).allSatisfy { same($0, $1) }
        case .object(let o):
            guard let t = theirs as? [String: Any], t.count == Set(o.keys).count else { return false }
            return o.keys.allSatisfy { key in t[key].map { same(o[key]!, $0) } ?? false }
        }
    }

    private static func isBool(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c" || type(of: n) == type(of: NSNumber(value: true))
    }
}
