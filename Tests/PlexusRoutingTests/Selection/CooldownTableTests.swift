import Foundation
import Testing

@testable import PlexusRouting

@Suite struct CooldownTableTests {
    let a = target("a")
    let b = target("b")
    let config = CooldownConfig()  // 30 s initial, 1800 s max, 300 s Retry-After cap

    @Test func doublesPerConsecutiveFailureUpToTheCap() {
        var table = CooldownTable()
        var durations: [Double] = []
        var now = 1000.0
        for _ in 0..<9 {
            let entry = table.recordFailure(
                a, reason: .serverError, status: 503, retryAfter: nil, now: now, config: config)
            durations.append(entry.until - now)
            now = entry.until + 1
        }
        #expect(durations == [30, 60, 120, 240, 480, 960, 1800, 1800, 1800])
        #expect(table.entry(for: a)?.failures == 9)
        #expect(table.entry(for: a)?.status == 503)
    }

    @Test(arguments: [(10.0, 10.0), (0.0, 0.0), (299.5, 299.5), (301.0, 300.0), (86_400.0, 300.0)])
    func retryAfterSetsTheDurationCapped(retryAfter: Double, expected: Double) {
        var table = CooldownTable()
        // Two earlier failures would give 120 s by backoff; Retry-After replaces it.
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 0, config: config)
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 100, config: config)
        let entry = table.recordFailure(a, reason: .rateLimited, retryAfter: retryAfter, now: 1000, config: config)
        #expect(entry.until == 1000 + expected)
        #expect(entry.failures == 3)
        #expect(entry.reason == .rateLimited)
    }

    @Test func successClearsEntryAndCount() {
        var table = CooldownTable()
        table.recordFailure(a, reason: .timeout, retryAfter: nil, now: 0, config: config)
        table.recordFailure(a, reason: .timeout, retryAfter: nil, now: 40, config: config)
        #expect(table.isCooling(a, now: 50))
        let cleared = table.recordSuccess(a, at: 45)
        let clearedAgain = table.recordSuccess(a, at: 46)
        #expect(cleared && !clearedAgain)
        #expect(!table.isCooling(a, now: 50))
        #expect(table.entry(for: a) == nil)
        let next = table.recordFailure(a, reason: .timeout, retryAfter: nil, now: 60, config: config)
        #expect(next.failures == 1 && next.until == 90)
    }

    /// A success is recorded after its answer was written; a failure of a later request may have come first.
    @Test(arguments: [(39.9, false), (40.0, true), (40.1, true)])
    func successOnlyClearsACooldownSetBeforeItsAnswer(answerAt: Double, clears: Bool) {
        var table = CooldownTable()
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 0, config: config)
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 40, config: config)
        let cleared = table.recordSuccess(a, at: answerAt)
        #expect(cleared == clears)
        #expect(table.isCooling(a, now: 50) == !clears)
        #expect(table.failureCounts[a] == (clears ? nil : 2))
        // The target's other state is untouched either way: a second target still cools.
        table.recordFailure(b, reason: .timeout, retryAfter: nil, now: 40, config: config)
        #expect(table.recordSuccess(a, at: 100) == !clears)
        #expect(table.isCooling(b, now: 50))
    }

    @Test func failureCountSurvivesExpiryAndPrune() {
        var table = CooldownTable()
        table.recordFailure(a, reason: .connection, retryAfter: nil, now: 0, config: config)
        #expect(table.isCooling(a, now: 29.9))
        #expect(!table.isCooling(a, now: 30))
        table.prune(now: 100)
        #expect(table.entry(for: a) == nil)
        #expect(table.failureCounts[a] == 1)
        let second = table.recordFailure(a, reason: .connection, retryAfter: nil, now: 200, config: config)
        #expect(second.failures == 2 && second.until == 260)
    }

    @Test func activeIsSortedByExpiryAndClearWorks() {
        var table = CooldownTable()
        table.recordFailure(a, reason: .rateLimited, retryAfter: 100, now: 0, config: config)
        table.recordFailure(b, reason: .overloaded, retryAfter: nil, now: 0, config: config)
        table.recordFailure(target("c"), reason: .reset, retryAfter: 5, now: 0, config: config)
        #expect(table.active(now: 1).map(\.target.provider) == ["c", "b", "a"])
        #expect(table.active(now: 10).map(\.target.provider) == ["b", "a"])
        let cleared = table.clear(b)
        let clearedAgain = table.clear(b)
        #expect(cleared && !clearedAgain)
        #expect(table.active(now: 10).map(\.target.provider) == ["a"])
        #expect(table.failureCounts[b] == nil)
        table.clearAll()
        #expect(table.active(now: 0).isEmpty && table.failureCounts.isEmpty)
    }

    @Test func entriesRoundTripThroughJSON() throws {
        var table = CooldownTable()
        table.recordFailure(a, reason: .errorEvent, retryAfter: nil, now: 1_700_000_000.5, config: config)
        table.recordFailure(b, reason: .rateLimited, status: 429, retryAfter: 12, now: 1_700_000_001, config: config)
        let data = try JSONEncoder().encode(table.entries)
        let decoded = try JSONDecoder().decode([CooldownEntry].self, from: data)
        #expect(decoded == table.entries)
        #expect(CooldownTable(entries: decoded) == table)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(object.first?["provider"] as? String == "b")
        #expect(object.first?["reason"] as? String == "rate_limited")
        #expect(object.first?["status"] as? Int == 429)
    }

    @Test func wholeTableRoundTripKeepsExpiredCounts() throws {
        var table = CooldownTable()
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 0, config: config)
        table.recordFailure(a, reason: .serverError, retryAfter: nil, now: 40, config: config)
        table.prune(now: 1000)
        var restored = try JSONDecoder().decode(CooldownTable.self, from: JSONEncoder().encode(table))
        #expect(restored == table)
        let third = restored.recordFailure(a, reason: .serverError, retryAfter: nil, now: 2000, config: config)
        #expect(third.until == 2120)
    }

    @Test(arguments: [
        (429, CooldownReason.rateLimited), (529, .overloaded), (500, .serverError), (503, .serverError),
        (408, .timeout),
    ])
    func reasonFromStatus(status: Int, reason: CooldownReason) {
        #expect(CooldownReason(httpStatus: status) == reason)
    }

    @Test(arguments: [400, 404, 409, 413, 422, 200])
    func clientErrorsSetNoCooldown(status: Int) {
        #expect(CooldownReason(httpStatus: status) == nil)
    }
}
