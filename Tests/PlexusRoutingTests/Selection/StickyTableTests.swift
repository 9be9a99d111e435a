import Testing

@testable import PlexusRouting

@Suite struct StickyTableTests {
    @Test func remembersWithinTTL() {
        var sticky = StickyTable(ttl: 100)
        sticky.remember(1, target: target("a"), now: 0)
        #expect(sticky.target(for: 1, now: 100) == target("a"))
        #expect(sticky.target(for: 1, now: 100.5) == nil)
        #expect(sticky.target(for: 2, now: 0) == nil)
        sticky.remember(1, target: target("b"), now: 90)
        #expect(sticky.target(for: 1, now: 150) == target("b"))
        sticky.forget(1)
        #expect(sticky.target(for: 1, now: 150) == nil)
    }

    @Test func evictsTheOldestBeyondCapacity() {
        var sticky = StickyTable(capacity: 3)
        for key in UInt64(1)...3 { sticky.remember(key, target: target("t\(key)"), now: Double(key)) }
        sticky.remember(1, target: target("t1"), now: 4)  // refreshed: 2 is now the oldest
        sticky.remember(5, target: target("t5"), now: 5)
        #expect(sticky.count == 3)
        #expect(sticky.target(for: 2, now: 5) == nil)
        #expect([1, 3, 5].allSatisfy { sticky.target(for: $0, now: 5) != nil })
    }

    @Test func staysBoundedUnderChurn() {
        var sticky = StickyTable(ttl: 1_000_000, capacity: 50)
        for i in 0..<5000 { sticky.remember(UInt64(i % 80), target: target("a"), now: Double(i)) }
        #expect(sticky.count == 50)
        #expect(sticky.target(for: UInt64(4999 % 80), now: 5000) == target("a"))
        sticky.prune(now: 2_000_000)
        #expect(sticky.count == 0)
    }

    @Test func conversationKeyIsFNV1a() {
        #expect(ConversationKey.hash(of: []) == 0xcbf2_9ce4_8422_2325)
        #expect(ConversationKey.hash(of: Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(ConversationKey.hash(of: Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }
}
