/// An integer's decimal digits without the `String` that `String(n)` builds: JSON numbers and HTTP lengths are
/// written this way on every request.
public enum DecimalDigits {
    /// Calls `body` with the digits of `n` (a leading `-` when negative), held on the stack.
    @inlinable
    public static func withDigits<R>(of n: Int64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: a sign and any Int64
        return try withUnsafeMutableBytes(of: &digits) { d in
            var v = n.magnitude
            var at = d.count
            repeat {
                at -= 1
                d[at] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
            } while v > 0
            if n < 0 {
                at -= 1
                d[at] = UInt8(ascii: "-")
            }
            return try body(UnsafeRawBufferPointer(rebasing: d[at...]))
        }
    }
}
