import PlexusCore

/// Writes one JSON value (an object's members, or an array of objects) into memory sized in advance; a nil member
/// is left out. The usage row is written this way twice per request, as its journal line before the answer and
/// its attempts column on the writer's thread, and `Array.append` cost about a hundred instructions a piece.
///
/// `bytes(bound:_:)` sizes the memory: `memberBound` for each member written (key, number or literal, punctuation),
/// plus `JSONWriter.stringBound` for each string's text.
struct JSONLineWriter: ~Copyable {
    /// Room for any member but a string's text: the longest key here (~24 bytes), its quotes and colon, a comma,
    /// and the longest number (a `Double` takes at most 24 bytes, an `Int64` 20).
    static let memberBound = 64

    /// Room for a string's text (nil: none).
    static func textBound(_ text: String?) -> Int {
        text.map { JSONWriter.stringBound(utf8Count: $0.utf8.count) } ?? 0
    }

    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    private var first = true

    private init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The bytes `body` writes, in at most `bound` bytes.
    static func bytes(bound: Int, _ body: (inout JSONLineWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { buffer, initialized in
            var writer = JSONLineWriter(buffer)
            body(&writer)
            initialized = writer.count
        }
    }

    mutating func raw(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress else { return }
        precondition(count + bytes.count <= capacity, "JSONLineWriter bound")
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    private mutating func byte(_ b: UInt8) {
        precondition(count < capacity, "JSONLineWriter bound")
        base[count] = b
        count += 1
    }

    private mutating func key(_ name: StaticString) {
        if !first { byte(UInt8(ascii: ",")) }
        first = false
        byte(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard var value else { return }
        key(name)
        value.withUTF8 { text in
            precondition(count + JSONWriter.stringBound(utf8Count: text.count) <= capacity, "JSONLineWriter bound")
            count += JSONWriter.writeString(utf8: text, at: base + count)
        }
    }

    mutating func integer(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        DecimalDigits.withDigits(of: Int64(value)) { write($0) }
    }

    /// A `Double` as `JSONWriter.writeNumber` writes it.
    mutating func number(_ name: StaticString, _ value: Double?) {
        guard let value else { return }
        key(name)
        JSONWriter.withNumberText(value) { write($0) }
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        raw(value ? "true" : "false")
    }

    /// A nested object, written in place.
    mutating func object(_ name: StaticString, _ members: (inout JSONLineWriter) -> Void) {
        key(name)
        nested(members)
    }

    /// An array of objects, as a member or (with no name) as the whole value.
    mutating func array<T>(_ name: StaticString?, _ items: [T], _ write: (inout JSONLineWriter, T) -> Void) {
        if let name { key(name) }
        byte(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            nested { write(&$0, item) }
        }
        byte(UInt8(ascii: "]"))
    }

    /// The members `body` writes, between braces.
    mutating func nested(_ members: (inout JSONLineWriter) -> Void) {
        let outer = first
        first = true
        byte(UInt8(ascii: "{"))
        members(&self)
        byte(UInt8(ascii: "}"))
        first = outer
    }
}
