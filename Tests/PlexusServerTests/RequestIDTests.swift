import Testing

@testable import PlexusServer

@Suite("Request IDs")
struct RequestIDTests {
    @Test func reqAnd32LowercaseHexDigitsDifferingEachTime() {
        let ids = (0..<64).map { _ in ProxyEngine.newRequestID() }
        for id in ids {
            #expect(id.hasPrefix("req_") && id.utf8.count == 36)
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        }
        #expect(Set(ids).count == ids.count)
        // Every digit value shows up somewhere in the part after the time (the nibbles are all read).
        #expect(Set(ids.flatMap { $0.dropFirst(16) }).count == 16)
    }

    @Test func theFirstTwelveDigitsAreTheTimeSoLaterIDsSortAfter() {
        let early = RequestID.make(milliseconds: 0x0193_0000_0001)
        let later = RequestID.make(milliseconds: 0x0193_0000_0002)
        #expect(early.hasPrefix("req_019300000001"))
        #expect(early < later)
        // A real clock: milliseconds since 1970 now, in hex, give the same prefix as the ID.
        let id = ProxyEngine.newRequestID()
        let stamp = UInt64(id.dropFirst(4).prefix(12), radix: 16) ?? 0
        #expect(stamp > 0x0190_0000_0000 && stamp < 0x0200_0000_0000)
    }

    @Test func idsStampedInTheSameMillisecondStillDiffer() {
        let ids = (0..<10_000).map { _ in RequestID.make(milliseconds: 42) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("req_00000000002a") })
    }

    @Test func theMixIsABijectionOnASample() {
        // Distinct inputs give distinct outputs (SplitMix64's finaliser is invertible).
        let outs = Set((0..<100_000 as Range<UInt64>).map(RequestID.mix))
        #expect(outs.count == 100_000)
    }
}
