import NIOCore

extension [UInt8] {
    /// Appends a literal's bytes.
    @inlinable
    public mutating func append(literal text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
