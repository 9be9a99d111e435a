import NIOCore

/// A message's header fields, kept as the bytes they arrived in (each line already checked); strings are made only
/// when asked for. Used for the gateway's request heads (read by a few names) and the upstream's answer heads (read
/// rarely: a trace, `Retry-After` on an error); making two strings per field cost about 2–3k instructions a field.
public struct HeaderFields: Sendable {
    /// Where one field's name and value lie in the head's bytes.
    public struct Span: Sendable {
        var name: Range<Int>
        var value: Range<Int>

        init(name: Range<Int>, value: Range<Int>) {
            self.name = name
            self.value = value
        }

        /// The span of `name` and `value`, slices of the head that starts at `head`.
        public init(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, in head: UnsafeRawPointer) {
            let n = name.baseAddress! - head
            let v = (value.baseAddress ?? name.baseAddress!) - head
            self.init(name: n..<(n + name.count), value: v..<(v + value.count))
        }
    }

    private var bytes: ByteBuffer
    private var spans: [Span]

    /// Fields read from `bytes`, a head.
    public init(bytes: ByteBuffer, spans: [Span]) {
        self.bytes = bytes
        self.spans = spans
    }

    /// Fields given as strings (laid out as bytes like a head's, so every lookup is the same).
    public init(_ pairs: [(String, String)] = []) {
        var bytes = ByteBuffer()
        var spans: [Span] = []
        for (name, value) in pairs {
            let n = bytes.writerIndex
            bytes.writeString(name)
            let v = bytes.writerIndex
            bytes.writeString(value)
            spans.append(Span(name: n..<v, value: v..<bytes.writerIndex))
        }
        self.init(bytes: bytes, spans: spans)
    }

    /// Every field as name and value, in order.
    public var pairs: [(String, String)] {
        var out: [(String, String)] = []
        out.reserveCapacity(spans.count)
        forEach { name, value in
            out.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return out
    }

    /// Calls `body` with each field's name and value bytes, in order.
    public func forEach(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeReadableBytes { b in
            for span in spans {
                body(UnsafeRawBufferPointer(rebasing: b[span.name]), UnsafeRawBufferPointer(rebasing: b[span.value]))
            }
        }
    }

    /// The first value of `name` (any case).
    public func first(_ name: String) -> String? {
        index(of: name.lowercased(), after: -1).map(string)
    }

    /// The value of the field `lowercase` (its name in lower case); repeated fields joined with ", ", as
    /// `HTTPFields` does.
    public func value(lowercase: String) -> String? {
        withValue(lowercase: lowercase) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Calls `body` with the value bytes of the field `lowercase` (nil when absent): one field's bytes as they
    /// arrived, no string made; repeated fields joined with ", ".
    public func withValue<R>(lowercase: String, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let first = index(of: lowercase, after: -1) else { return body(nil) }
        guard index(of: lowercase, after: first) == nil else {
            var joined = values(lowercase: lowercase).joined(separator: ", ")
            return joined.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        return bytes.withUnsafeReadableBytes { b in body(UnsafeRawBufferPointer(rebasing: b[spans[first].value])) }
    }

    /// Every value of the field `lowercase` (its name in lower case), in order.
    public func values(lowercase: String) -> [String] {
        var found: [String] = []
        var at = index(of: lowercase, after: -1)
        while let i = at {
            found.append(string(i))
            at = index(of: lowercase, after: i)
        }
        return found
    }

    /// The first span after `after` named `lowercase` (compared on the bytes, no string built).
    private func index(of lowercase: String, after: Int) -> Int? {
        var lowercase = lowercase
        return lowercase.withUTF8 { want in
            bytes.withUnsafeReadableBytes { b in
                var i = after + 1
                while i < spans.count {
                    if HTTPWire.named(UnsafeRawBufferPointer(rebasing: b[spans[i].name]), lowercase: want) { return i }
                    i += 1
                }
                return nil
            }
        }
    }

    private func string(_ index: Int) -> String {
        bytes.withUnsafeReadableBytes { b in
            String(decoding: UnsafeRawBufferPointer(rebasing: b[spans[index].value]), as: UTF8.self)
        }
    }
}
