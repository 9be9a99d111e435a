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
        if n.isNaN || n.isInfinite {
            append("null", to: &out)
        } else if n.rounded() == n, abs(n) < 9e15 {
            writeInteger(Int64(n), into: &out)
        } else {
            out.append(contentsOf: n.description.utf8)
        }
    }

    /// An integer's decimal digits (token counts, indexes and timestamps are most of a translated body's numbers).
    public static func writeInteger(_ n: Int64, into out: inout [UInt8]) {
        DecimalDigits.withDigits(of: n) { out.append(contentsOf: $0) }
    }

    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

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
            let c = bytes[end]
            at = end + 1
            out.append(0x5C)
            switch c {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(0x30)
                out.append(0x30)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            }
        }
        out.append(0x22)
    }
}
