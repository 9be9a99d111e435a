import PlexusCore
import Testing
@testable import PlexusRouting

/// `Candidate.memoized`: made once per candidate and slot, shared by copies, failures not kept.
@Suite("Candidate memo")
struct CandidateMemoTests {
    final class Made: Sendable {
        let n: Int
        init(_ n: Int) { self.n = n }
    }

    struct Refused: Error {}

    @Test func aSlotIsMadeOnceAndSharedByCopies() {
        let first = candidate("p")
        let copy = first
        var calls = 0
        let a = first.memoized(slot: 1) { calls += 1; return Made(1) }
        let b = copy.memoized(slot: 1) { calls += 1; return Made(2) }
        #expect(a === b && a.n == 1 && calls == 1)
        let other = first.memoized(slot: 2) { calls += 1; return Made(3) }
        #expect(other.n == 3 && calls == 2, "another slot is its own")
        #expect(first.memoized(slot: 20) { Made(6) }.n == 6, "the slots grow as they are used")
        #expect(copy.memoized(slot: 1) { Made(7) } === a, "growing keeps what was made")
        let fresh = candidate("p").memoized(slot: 1) { Made(4) }
        #expect(fresh.n == 4, "an equal candidate built anew has its own memo")
    }

    @Test func aFailureIsNotKept() throws {
        let c = candidate("p")
        #expect(throws: Refused.self) { try c.memoized(slot: 0) { () throws(Refused) -> Made in throw Refused() } }
        #expect(c.memoized(slot: 0) { Made(5) }.n == 5)
    }
}
