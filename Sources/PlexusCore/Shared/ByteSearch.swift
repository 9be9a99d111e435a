#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search on bytes, for hot paths that only need to know whether a marker occurs (no parse, no copy).
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        firstOffset(of: needle, in: haystack) != nil
    }

    /// The offset of the first occurrence of `needle` in `haystack` at or after `start`.
    public static func firstOffset(
        of needle: StaticString, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0
    ) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard n > 0 else { return 0 }
        guard start >= 0, haystack.count - start >= n, let base = haystack.baseAddress else { return nil }
        let p = needle.utf8Start
        // memchr skips to each candidate; memcmp checks the whole needle. The scan looks for the needle's second
        // byte: JSON markers start with a quote, which is the commonest byte in JSON.
        let k = n > 1 ? 1 : 0
        let last = base + (haystack.count - n) + k
        var at = base + start + k
        while at <= last, let hit = memchr(at, Int32(p[k]), last - at + 1) {
            let candidate = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - k
            if memcmp(candidate, p, n) == 0 { return candidate - base }
            at = candidate + k + 1
        }
        return nil
    }

    /// The offset of the first `byte` in `haystack` at or after `start` (memchr: HTTP heads are scanned this way
    /// for every request and answer).
    @inlinable
    public static func firstOffset(of byte: UInt8, in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard start >= 0, start < haystack.count, let base = haystack.baseAddress,
            let hit = memchr(base + start, Int32(byte), haystack.count - start)
        else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// Whether `needle` occurs in the UTF-8 of `text`.
    public static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, needle) }
    }
}
