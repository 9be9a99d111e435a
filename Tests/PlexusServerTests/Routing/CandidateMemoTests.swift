import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusServer

/// `CandidateMemo`: made once per candidate and slot, shared by copies of the candidate, not by a candidate built
/// anew (as a config reload builds them).
@Suite("Candidate memo")
struct CandidateMemoTests {
    final class Made: Sendable {
        let n: Int
        init(_ n: Int) { self.n = n }
    }

    static func candidate(_ provider: String) -> Candidate {
        let config = ProviderConfig(
            name: provider, baseURLs: [.chat: "https://\(provider).example/v1"], models: [ProviderModel(name: "m")])
        return Candidate(provider: config, model: "m")
    }

    @Test func aSlotIsMadeOnceAndSharedByCopies() {
        let memo = CandidateMemo<Made>()
        let first = Self.candidate("p")
        let copy = first
        var calls = 0
        let a = memo.value(for: first, slot: 1) {
            calls += 1
            return Made(1)
        }
        let b = memo.value(for: copy, slot: 1) {
            calls += 1
            return Made(2)
        }
        #expect(a === b && a.n == 1 && calls == 1)
        let other = memo.value(for: first, slot: 2) {
            calls += 1
            return Made(3)
        }
        #expect(other.n == 3 && calls == 2, "another slot is its own")
        let fresh = memo.value(for: Self.candidate("p"), slot: 1) { Made(4) }
        #expect(fresh.n == 4, "an equal candidate built anew has its own entry")
        #expect(memo.value(for: copy, slot: 1) { Made(7) } === a, "what was made is kept")
    }
}
