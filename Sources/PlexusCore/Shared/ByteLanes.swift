/// Eight bytes of a word tested at once (SWAR), for scans that look for a few byte values in long runs: JSON
/// strings, HTTP header values. Each test sets the high bit of every lane that matches. Lanes above a matching one
/// may be set falsely (borrows carry upwards), so a nonzero result says "some lane matches" exactly, and the lowest
/// set lane (in a little-endian word, the first byte) is always a real match.
public enum ByteLanes {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The lanes whose byte is `byte`.
    @inlinable
    public static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// The lanes whose byte is below `bound` (at most 0x80).
    @inlinable
    public static func below(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        (word &- ones &* UInt64(bound)) & ~word & highs
    }
}
