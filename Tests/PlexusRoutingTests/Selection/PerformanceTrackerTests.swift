import Testing

@testable import PlexusRouting

@Suite struct PerformanceTrackerTests {
    let a = target("a")

    @Test func percentilesAreNearestRank() throws {
        var tracker = PerformanceTracker()
        // TTFT 1...20 ms (shuffled), tokens/s 10...200, duration 100...2000.
        for i in [7, 3, 19, 1, 12, 20, 5, 16, 9, 2, 14, 11, 18, 4, 8, 13, 6, 17, 10, 15] {
            let sample = PerformanceSample(
                at: 1000 + Double(i), ttftMs: Double(i), tokensPerSecond: Double(i * 10), durationMs: Double(i * 100),
                outputTokens: i)
            tracker.record(a, sample)
        }
        let stats = try #require(tracker.stats(for: a, now: 1030))
        #expect(stats.requests == 20 && stats.errors == 0 && stats.errorRate == 0)
        #expect(stats.ttftP50 == 10 && stats.ttftP95 == 19)
        #expect(stats.tpsP50 == 100 && stats.tpsP95 == 190)
        #expect(stats.durationP50 == 1000 && stats.durationP95 == 1900)
        #expect(stats.meanOutputTokens == 10.5)
        #expect(stats.lastSampleAt == 1015)  // the last recorded, not the latest time
    }

    /// p50 of ascending values; -1 stands for "no data" (nil).
    @Test(arguments: [([], -1), ([5], 5), ([1, 2], 1), ([1, 2, 3], 2), ([1, 2, 3, 4], 2)] as [([Double], Double)])
    func percentileTable(values: [Double], p50: Double) {
        #expect(PerformanceTracker.percentile(values, 50) == (p50 < 0 ? nil : p50))
    }

    @Test func errorRateCountsFailures() throws {
        var tracker = PerformanceTracker()
        for i in 0..<8 {
            let ok = i % 4 != 0
            tracker.record(a, PerformanceSample(at: Double(i), ttftMs: ok ? 50 : nil, durationMs: 10, success: ok))
        }
        let stats = try #require(tracker.stats(for: a, now: 10))
        #expect(stats.requests == 8 && stats.errors == 2 && stats.errorRate == 0.25)
        #expect(stats.ttftP50 == 50)
    }

    @Test func windowEvictsOldSamples() throws {
        var tracker = PerformanceTracker(window: 100)
        tracker.record(a, PerformanceSample(at: 0, ttftMs: 500, durationMs: 1))
        tracker.record(a, PerformanceSample(at: 50, ttftMs: 400, durationMs: 1))
        tracker.record(a, PerformanceSample(at: 120, ttftMs: 100, durationMs: 1))
        #expect(tracker.samples(for: a, now: 120).map(\.ttftMs) == [400, 100])
        #expect(try #require(tracker.stats(for: a, now: 200)).requests == 1)
        #expect(tracker.stats(for: a, now: 221) == nil)
        #expect(tracker.allStats(now: 221).isEmpty)
        tracker.prune(now: 221)
        #expect(tracker.summary(for: a) == nil)
    }

    @Test func capKeepsTheNewestSamples() {
        var tracker = PerformanceTracker(window: 1000, maxSamplesPerTarget: 4)
        for i in 0..<10 { tracker.record(a, PerformanceSample(at: Double(i), durationMs: Double(i))) }
        #expect(tracker.samples(for: a, now: 10).map(\.durationMs) == [6, 7, 8, 9])
    }

    @Test func ringSurvivesMixedEvictionAndGrowth() {
        var tracker = PerformanceTracker(window: 5, maxSamplesPerTarget: 8)
        var expected: [Double] = []
        var at = 0.0
        for i in 0..<60 {
            at += [0.5, 1, 0.2, 3, 0.1, 7][i % 6]  // bursts fill the cap, gaps empty the window
            tracker.record(a, PerformanceSample(at: at, durationMs: Double(i)))
            expected.append(at)
            expected = Array(expected.filter { $0 >= at - 5 }.suffix(8))
            #expect(tracker.samples(for: a, now: at).map(\.at) == expected.filter { $0 <= at })
        }
    }

    @Test func ewmaFollowsSuccessfulSamplesAndRestartsWhenStale() throws {
        var tracker = PerformanceTracker(window: 100, ewmaAlpha: 0.5)
        tracker.record(a, PerformanceSample(at: 0, ttftMs: 100, tokensPerSecond: 40, durationMs: 1))
        tracker.record(a, PerformanceSample(at: 1, ttftMs: 200, tokensPerSecond: 80, durationMs: 1))
        tracker.record(a, PerformanceSample(at: 2, ttftMs: 9999, durationMs: 1, success: false))
        var summary = try #require(tracker.summary(for: a))
        #expect(summary.ewmaTTFT == 150 && summary.ewmaTPS == 60)
        #expect(summary.lastSampleAt == 2 && summary.lastSuccessAt == 1)
        #expect(summary.freshTTFT(now: 101, window: 100) == 150)
        #expect(summary.freshTTFT(now: 102, window: 100) == nil)
        tracker.record(a, PerformanceSample(at: 500, ttftMs: 30, durationMs: 1))
        summary = try #require(tracker.summary(for: a))
        #expect(summary.ewmaTTFT == 30)
        #expect(summary.freshTPS(now: 500, window: 100) == nil)
    }

    @Test func oneStallMovesTheAveragesAtMostFourfoldAndASlowdownStillShows() throws {
        var tracker = PerformanceTracker(window: 100, ewmaAlpha: 0.5)
        tracker.record(a, PerformanceSample(at: 0, ttftMs: 10, tokensPerSecond: 400, durationMs: 1))
        // A 2 s stall and a crawl count as 40 ms and 100 tokens/s.
        tracker.record(a, PerformanceSample(at: 1, ttftMs: 2000, tokensPerSecond: 1, durationMs: 1))
        var summary = try #require(tracker.summary(for: a))
        #expect(summary.ewmaTTFT == 25 && summary.ewmaTPS == 250)
        // Faster samples are taken whole.
        tracker.record(a, PerformanceSample(at: 2, ttftMs: 5, tokensPerSecond: 1250, durationMs: 1))
        summary = try #require(tracker.summary(for: a))
        #expect(summary.ewmaTTFT == 15 && summary.ewmaTPS == 750)
        // A target that became 100 times slower reads over 1 s after seven requests (15, 37.5, 94, 234, 586, 1043,
        // 1271, 1386 ms).
        for at in 3...9 { tracker.record(a, PerformanceSample(at: Double(at), ttftMs: 1500, durationMs: 1)) }
        summary = try #require(tracker.summary(for: a))
        #expect(try #require(summary.ewmaTTFT) > 1380)
    }

    @Test func meanOutputTokensAcrossTargets() {
        var tracker = PerformanceTracker(window: 100)
        tracker.record(a, PerformanceSample(at: 10, durationMs: 1, outputTokens: 100))
        tracker.record(a, PerformanceSample(at: 20, durationMs: 1, outputTokens: 9999, success: false))
        tracker.record(target("b"), PerformanceSample(at: 30, durationMs: 1, outputTokens: 300))
        tracker.record(target("c"), PerformanceSample(at: 30, durationMs: 1, outputTokens: 5000))
        #expect(tracker.meanOutputTokens(for: [a, target("b")], now: 50) == 200)
        #expect(tracker.meanOutputTokens(for: [a, target("b")], now: 115) == 300)
        #expect(tracker.meanOutputTokens(for: [target("x")], now: 50) == nil)
        #expect(tracker.meanOutputTokens(for: [a], now: 500) == nil)
    }
}
