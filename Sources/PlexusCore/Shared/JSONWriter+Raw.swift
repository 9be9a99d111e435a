extension JSONWriter {
    /// The most bytes `writeString(utf8:at:)` writes for `count` bytes of text: its quotes, and six bytes
    /// (`\u00XX`) for each byte at worst.
    public static func stringBound(utf8Count count: Int) -> Int { 2 + 6 * count }

    /// Writes `bytes` as a quoted JSON string at `out`, which has room for `stringBound` bytes; returns how many
    /// it wrote. For writers that size their memory in advance (a journal line is written on the request path).
    public static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        out[n] = 0x22
        n += 1
        var at = 0
        while true {
            let end = JSONScan.plainRunEnd(in: bytes, from: at)
            if at < end, let base = bytes.baseAddress {
                (out + n).update(from: base + at, count: end - at)
                n += end - at
            }
            guard end < bytes.count else { break }
            escape(bytes[end]) { byte in
                out[n] = byte
                n += 1
            }
            at = end + 1
        }
        out[n] = 0x22
        return n + 1
    }
}
