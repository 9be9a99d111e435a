/// Byte scans shared by the JSON parser and writer.
enum JSONScan {
    /// The offset of the first byte at or after `start` that ends a plain run inside a JSON string: a quote, a
    /// backslash or a control character (or `bytes.count`).
    ///
    /// Eight bytes per step (SWAR): message text is long and mostly plain, and this loop is most of the cost of
    /// checking a body that passthrough forwards untouched, and of writing one that translation built.
    static func plainRunEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var at = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while at + 8 <= count {
            let word = UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero (matched) or below 0x20: its lane's high bit survives (exact for "some lane").
            let marks = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            if marks & highs != 0 { break }
            at += 8
        }
        while at < count {
            let c = base[at]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return at }
            at += 1
        }
        return at
    }
}

extension JSONByteParser {
    /// See `JSONScan.plainRunEnd(in:from:)`.
    func plainRunEnd(from start: Int) -> Int { JSONScan.plainRunEnd(in: bytes, from: start) }
}
