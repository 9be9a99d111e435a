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
