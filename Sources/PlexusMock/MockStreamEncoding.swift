import PlexusCore

/// A protocol's stream encoder: a state machine from neutral events to wire frames.
protocol MockStreamEncoding: Sendable {
    mutating func encode(_ event: MockEvent) -> [MockFrame]
    /// The producer dropped the last `count` frames this encoder returned without sending them (an injected
    /// error event cut in first); an encoder that numbers its frames resumes after the last one sent.
    mutating func discardUnsent(_ count: Int)
}

extension MockStreamEncoding {
    mutating func discardUnsent(_ count: Int) {}
}

/// Fixed facts shared by every answer.
enum MockConstants {
    /// `created` timestamp of every answer: fixed, so the same request gets byte-identical output.
    static let created = 1_750_000_000
    static let createdISO = "2025-06-15T15:06:40Z"
    static let fingerprint = "fp_plexus_mock"
}

extension Array where Element == UInt8 {
    /// Appends UTF-8 text.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a JSON string literal (quoted and escaped).
    mutating func appendJSONString(_ text: String) { JSONWriter.writeString(text, into: &self) }

    /// Appends a decimal integer.
    mutating func appendInt(_ n: Int) { append(contentsOf: String(n).utf8) }
}
