#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search on bytes, for hot paths that only need to know whether a marker occurs (no parse, no copy).
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard n > 0, haystack.count >= n, let base = haystack.baseAddress else { return n == 0 }
        let p = needle.utf8Start
        var i = 0
        while i <= haystack.count - n {
            if base[i] == p[0], memcmp(base + i, p, n) == 0 { return true }
            i += 1
        }
        return false
    }

    /// Whether `needle` occurs in the UTF-8 of `text`.
    public static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, needle) }
    }
}
