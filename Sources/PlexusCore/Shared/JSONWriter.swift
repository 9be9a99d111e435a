extension JSONValue {
    /// Compact UTF-8 JSON, object keys in their stored order.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out)
        return out
    }

    /// Compact JSON as a String.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Writes JSON values into a byte buffer without Foundation.
public enum JSONWriter {
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: append("null", to: &out)
        case .bool(let b): append(b ? "true" : "false", to: &out)
        case .number(let n): writeNumber(n, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in o.pairs {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func writeNumber(_ n: Double, into out: inout [UInt8]) {
        withNumberText(n) { out.append(contentsOf: $0) }
    }

    /// Calls `body` with the text JSON gives `n`: a whole value below 9e15 as an integer, another as Swift prints
    /// it (the shortest text that reads back to the same value), NaN and infinities as null.
    public static func withNumberText<R>(_ n: Double, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if n.isNaN || n.isInfinite {
            let null: StaticString = "null"
            return body(UnsafeRawBufferPointer(start: null.utf8Start, count: null.utf8CodeUnitCount))
        }
        if n.rounded() == n, abs(n) < 9e15 { return DecimalDigits.withDigits(of: Int64(n), body) }
        var text = n.description
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// An integer's decimal digits (token counts, indexes and timestamps are most of a translated body's numbers).
    public static func writeInteger(_ n: Int64, into out: inout [UInt8]) {
        DecimalDigits.withDigits(of: n) { out.append(contentsOf: $0) }
    }

    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { writeString(utf8: $0, into: &out) }
    }

    /// Copies runs that need no escaping in one go; only quotes, backslashes and control bytes are escaped.
    static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Doubling: an exact reserve before every append would copy the whole buffer each time it grows.
        if out.capacity < out.count + bytes.count + 2 {
            out.reserveCapacity(max(out.count + bytes.count + 2, out.capacity * 2))
        }
        out.append(0x22)
        var at = 0
        while true {
            let end = JSONScan.plainRunEnd(in: bytes, from: at)
            if at < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<end])) }
            guard end < bytes.count else { break }
            escape(bytes[end]) { out.append($0) }
            at = end + 1
        }
        out.append(0x22)
    }

    /// The escape of a byte a plain run stops at (a quote, a backslash or a control byte), byte by byte: a
    /// backslash and a letter, or `\u00XX`.
    @inline(__always)
    static func escape(_ c: UInt8, _ put: (UInt8) -> Void) {
        put(0x5C)
        switch c {
        case 0x22, 0x5C: put(c)
        case 0x0A: put(UInt8(ascii: "n"))
        case 0x0D: put(UInt8(ascii: "r"))
        case 0x09: put(UInt8(ascii: "t"))
        default:
            put(UInt8(ascii: "u"))
            put(0x30)
            put(0x30)
            put(hexDigit(c >> 4))
            put(hexDigit(c & 0xF))
        }
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }
}
