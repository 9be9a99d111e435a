import NIOCore

/// A message's header fields, kept as the bytes they arrived in (each line already checked); strings are made only
/// when asked for. An answer's headers are read rarely (a trace, `Retry-After` on an error), and making two strings
/// per field cost about 3k instructions per answer.
public struct HeaderFields: Sendable {
    struct Span: Sendable {
        var name: Range<Int>
        var value: Range<Int>
    }

    private var bytes: ByteBuffer?
    private var spans: [Span] = []
    private var given: [(String, String)] = []

    /// Fields given as strings.
    public init(_ pairs: [(String, String)] = []) { given = pairs }

    init(bytes: ByteBuffer, spans: [Span]) {
        self.bytes = bytes
        self.spans = spans
    }

    /// Every field as name and value, in order.
    public var pairs: [(String, String)] {
        guard let bytes else { return given }
        return bytes.withUnsafeReadableBytes { b in
            spans.map { (Self.string(b, $0.name), Self.string(b, $0.value)) }
        }
    }

    /// The first value of `name` (any case).
    public func first(_ name: String) -> String? {
        guard let bytes else { return given.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var lower = name.lowercased()
        return lower.withUTF8 { want in
            bytes.withUnsafeReadableBytes { b in
                for span in spans where span.name.count == want.count {
                    let n = UnsafeRawBufferPointer(rebasing: b[span.name])
                    if (0..<n.count).allSatisfy({ (n[$0] >= 0x41 && n[$0] <= 0x5a ? n[$0] | 0x20 : n[$0]) == want[$0] }) {
                        return Self.string(b, span.value)
                    }
                }
                return nil
            }
        }
    }

    private static func string(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[range]), as: UTF8.self)
    }
}
