/// Patches top-level members of a JSON object in place, leaving every other byte as the client sent it.
public struct JSONTopLevelPatch: Sendable {
    private var bytes: [UInt8]
    private var spans: [(key: String, range: Range<Int>)]
    private var edits: [(range: Range<Int>, replacement: [UInt8])] = []
    private var appended: [UInt8] = []

    /// `bytes` must be a JSON object and `spans` its top-level spans (`JSONValue.parseWithTopLevelSpans`).
    public init(bytes: [UInt8], spans: [(key: String, range: Range<Int>)]) {
        self.bytes = bytes
        self.spans = spans
    }

    /// Sets a member: replaces its value where present, else appends it.
    public mutating func set(_ key: String, _ value: JSONValue) {
        let encoded = value.serialized()
        if let span = spans.first(where: { $0.key == key }) {
            edits.append((span.range, encoded))
        } else {
            appended.append(UInt8(ascii: ","))
            JSONWriter.writeString(key, into: &appended)
            appended.append(UInt8(ascii: ":"))
            appended.append(contentsOf: encoded)
        }
    }

    /// The patched document.
    public func result() -> [UInt8] {
        if edits.isEmpty && appended.isEmpty { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(resultCount)
        forEachPiece { out.append(contentsOf: $0) }
        return out
    }

    /// The patched document's length in bytes (the pieces `forEachPiece` gives, counted).
    public var resultCount: Int {
        var count = 0
        forEachPiece { count += $0.count }
        return count
    }

    /// The patched document piece by piece, in order: for writing it straight into another buffer.
    public func forEachPiece(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            var cursor = 0
            func emit(_ range: Range<Int>) { if !range.isEmpty { body(UnsafeRawBufferPointer(rebasing: all[range])) } }
            let ordered = edits.count < 2 ? edits : edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound })
            for edit in ordered {
                emit(cursor..<edit.range.lowerBound)
                edit.replacement.withUnsafeBytes(body)
                cursor = edit.range.upperBound
            }
            guard !appended.isEmpty, let close = bytes.lastIndex(of: UInt8(ascii: "}")), close >= cursor else {
                return emit(cursor..<all.count)
            }
            emit(cursor..<close)
            // An empty object must not get a leading comma.
            let emptyObject = spans.isEmpty && edits.isEmpty
            appended.withUnsafeBytes { body(emptyObject ? UnsafeRawBufferPointer(rebasing: $0.dropFirst()) : $0) }
            emit(close..<all.count)
        }
    }
}
