import Foundation
import Synchronization

/// Request IDs: `req_`, 12 hex digits of the Unix time in milliseconds, then 20 hex digits unique to the request.
///
/// Time first, so a new ID sorts after older ones: the usage table's primary-key index (and PostgreSQL's) then
/// grows at its right edge, and a batch of inserts dirties a few pages instead of one random page per row. The
/// tail is a counter passed through a bijective mix with a per-process random key: unique within the process
/// (a bijection never repeats) and unguessable across processes, with no `getrandom` system call per request.
enum RequestID {
    private static let counter = Atomic<UInt64>(0)
    /// Drawn once per process; `keys.1` also supplies the last 16 bits, which tell processes apart.
    private static let keys: (UInt64, UInt64) = {
        var rng = SystemRandomNumberGenerator()
        return (rng.next(), rng.next())
    }()

    /// A new ID stamped with the current time.
    static func next() -> String { make(milliseconds: UInt64(max(0, Date().timeIntervalSince1970 * 1000))) }

    /// A new ID stamped with `milliseconds` (tests pass their own clock).
    static func make(milliseconds: UInt64) -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let mixed = mix(n ^ keys.0)
        let high = milliseconds & 0xffff_ffff_ffff
        let low = keys.1 & 0xffff
        return String(unsafeUninitializedCapacity: 36) { out in
            for (i, byte) in "req_".utf8.enumerated() { out[i] = byte }
            hex(high, digits: 12, into: out, at: 4)
            hex(mixed, digits: 16, into: out, at: 16)
            hex(low, digits: 4, into: out, at: 32)
            return 36
        }
    }

    /// SplitMix64's finaliser: a bijection on 64 bits that spreads a counter's bits over the whole word.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    private static func hex(_ value: UInt64, digits: Int, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        for i in 0..<digits {
            let nibble = UInt8(truncatingIfNeeded: value >> (UInt64(digits - 1 - i) * 4)) & 0xf
            out[start + i] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
    }
}
