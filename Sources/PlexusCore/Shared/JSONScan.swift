/// Byte scans shared by the JSON parser and writer.
enum JSONScan {
    /// The offset of the first byte at or after `start` that ends a plain run inside a JSON string: a quote, a
    /// backslash or a control character (or `bytes.count`).
    ///
    /// Sixteen bytes per step (vector compares), then eight (SWAR) to place the stop: message text is long and
    /// mostly plain, and this loop is most of the cost of checking a body that passthrough forwards untouched, and
    /// of writing one that translation built. Most strings are short keys, so the stop is placed from the word's
    /// marks rather than byte by byte.
    @inline(__always)
    static func plainRunEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var at = start
        // SSE2 compares on x86-64, NEON on arm64.
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C)
        let space = SIMD16<UInt8>(repeating: 0x20)
        while at + 16 <= count {
            let v = UnsafeRawPointer(base + at).loadUnaligned(as: SIMD16<UInt8>.self)
            if any((v .== quote) .| (v .== backslash) .| (v .< space)) { break }
            at += 16
        }
        while at + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
            let marks = stopMarks(word)
            if marks != 0 { return at + marks.trailingZeroBitCount / 8 }
            at += 8
        }
        while at < count {
            let c = base[at]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return at }
            at += 1
        }
        return at
    }

    /// The lanes (first byte lowest) that hold a quote, a backslash or a control byte (see `ByteLanes`).
    @inline(__always)
    static func stopMarks(_ word: UInt64) -> UInt64 {
        ByteLanes.equal(word, 0x22) | ByteLanes.equal(word, 0x5C) | ByteLanes.below(word, 0x20)
    }
}

extension JSONByteParser {
    /// See `JSONScan.plainRunEnd(in:from:)`.
    func plainRunEnd(from start: Int) -> Int { JSONScan.plainRunEnd(in: bytes, from: start) }
}
