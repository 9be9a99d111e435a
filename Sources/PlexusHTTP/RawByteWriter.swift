import PlexusCore

/// Fills memory sized in advance, one copy per piece: an `Array.append` measured about 100 instructions a piece,
/// a `ByteBuffer` write about 200, and a head is twenty pieces. Every write checks that it fits.
public struct RawByteWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 1)!  // capacity 0: nothing is written
        capacity = buffer.count
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(count + bytes.count <= capacity, "RawByteWriter overflow")
        (base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    public mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func write(utf8 text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// A non-negative integer in decimal.
    public mutating func write(decimal value: Int) {
        precondition(value >= 0)
        DecimalDigits.withDigits(of: Int64(value)) { write($0) }
    }

    /// `name` (with its `: `), `value` made legal, CRLF.
    public mutating func writeField(_ name: StaticString, _ value: String) {
        write(name)
        let start = count
        write(utf8: value)
        legalizeFieldValue(from: start)
        write("\r\n")
    }

    /// Turns every byte from `start` on that may not stand in a field value (a control byte but the tab) into a
    /// space, as `HTTPField` does: no value can split a head.
    public mutating func legalizeFieldValue(from start: Int) {
        for i in start..<count where !HTTPWire.isFieldValueByte(base.load(fromByteOffset: i, as: UInt8.self)) {
            base.storeBytes(of: 0x20, toByteOffset: i, as: UInt8.self)
        }
    }
}
