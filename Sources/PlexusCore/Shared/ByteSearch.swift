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
        let end = base + (haystack.count - n)
        var at = base + start
        // memchr skips to each candidate first byte; memcmp checks the rest.
        while at <= end, let hit = memchr(at, Int32(p[0]), end - at + 1) {
            let candidate = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(candidate, p, n) == 0 { return candidate - base }
            at = candidate + 1
        }
        return nil
    }

    /// Whether `needle` occurs in the UTF-8 of `text`.
    public static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, needle) }
    }
}
