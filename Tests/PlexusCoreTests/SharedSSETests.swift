import Testing

@testable import PlexusCore

@Suite("Shared SSE parser")
struct SharedSSETests {
    static let sample =
        "event: a\r\ndata: one\r\ndata: two\r\n\r\n: comment\n\ndata: {\"x\":1}\n\nevent: last\ndata: end"

    @Test func parsesWholeStream() {
        var p = SSEParser()
        let events = p.feed(Array(Self.sample.utf8)) + p.finish()
        #expect(
            events == [
                SSEEvent(event: "a", data: "one\ntwo"),
                SSEEvent(data: "{\"x\":1}"),
                SSEEvent(event: "last", data: "end"),
            ])
    }

    @Test(arguments: [1, 2, 3, 7, 42])
    func parsesAnyByteSplit(seed: UInt64) {
        var whole = SSEParser()
        let expected = whole.feed(Array(Self.sample.utf8)) + whole.finish()
        var rng = SplitMix(seed: seed)
        let bytes = Array(Self.sample.utf8)
        var p = SSEParser()
        var got: [SSEEvent] = []
        var i = 0
        while i < bytes.count {
            let n = Int(rng.next() % 5) + 1
            got += p.feed(bytes[i..<min(i + n, bytes.count)])
            i += n
        }
        got += p.finish()
        #expect(got == expected)
    }

    struct Flood: CustomTestStringConvertible, Sendable {
        let name: String
        /// Fed in parts of 10 bytes, with a bound of 32 bytes.
        let input: String
        let events: [String]
        let overflowed: Bool
        var testDescription: String { name }
    }

    static let floods: [Flood] = [
        Flood(
            name: "events up to the bound pass", input: "data: 0123456789012345678901234567890\n\ndata: b\n\n",
            events: ["0123456789012345678901234567890", "b"], overflowed: false),
        Flood(
            name: "a line that never ends stops the parser",
            input: "data: a\n\ndata: " + String(repeating: "x", count: 40),
            events: ["a"], overflowed: true),
        Flood(
            name: "data lines with no blank line after them stop it",
            input: "data: a\n\n" + String(repeating: "data: xxxx\n", count: 8),
            events: ["a"], overflowed: true),
        Flood(
            name: "comments and unknown fields do not add up",
            input: String(repeating: ": keep-alive\nretry: 1\n", count: 20) + "data: z\n\n",
            events: ["z"], overflowed: false),
        Flood(
            name: "nothing after the overflow is read", input: String(repeating: "x", count: 40) + "\n\ndata: late\n\n",
            events: [], overflowed: true),
    ]

    @Test(arguments: floods)
    func boundsWhatItHolds(_ flood: Flood) {
        var p = SSEParser(maxEventBytes: 32)
        let bytes = Array(flood.input.utf8)
        var events: [SSEEvent] = []
        for start in stride(from: 0, to: bytes.count, by: 10) {
            events += p.feed(bytes[start..<min(start + 10, bytes.count)])
        }
        events += p.finish()
        #expect(events.map(\.data) == flood.events)
        #expect(p.overflowed == flood.overflowed)
    }

    @Test func writerRoundTrips() {
        let bytes = SSEWriter.bytes(event: "message_start", data: "line1\nline2")
        var p = SSEParser()
        #expect(p.feed(bytes) == [SSEEvent(event: "message_start", data: "line1\nline2")])
    }
}

/// A small seeded generator for reproducible splits.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
