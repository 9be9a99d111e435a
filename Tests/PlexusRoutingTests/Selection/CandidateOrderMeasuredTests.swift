import Testing

@testable import PlexusRouting

/// Latency/performance selectors, exploration, cooldowns and sticky sessions.
@Suite struct CandidateOrderMeasuredTests {
    let now = 10_000.0
    let candidates = [candidate("slow"), candidate("unseen"), candidate("fast"), candidate("mid")]

    /// slow: 900 ms / 20 tok/s, fast: 100 ms / 90 tok/s, mid: 400 ms / 50 tok/s; "unseen" has no data.
    var performance: PerformanceTracker {
        var tracker = PerformanceTracker()
        for (name, ttft, tps) in [("slow", 900.0, 20.0), ("fast", 100, 90), ("mid", 400, 50)] {
            tracker.record(
                target(name), PerformanceSample(at: now - 60, ttftMs: ttft, tokensPerSecond: tps, durationMs: 1))
        }
        return tracker
    }

    @Test func latencyOrdersByTTFTWithUnseenAfter() {
        #expect(
            ordered(candidates, selection(.latency, now: now), performance: performance)
                == ["fast", "mid", "slow", "unseen"])
    }

    @Test func performanceOrdersByTokensPerSecond() {
        #expect(
            ordered(candidates, selection(.performance, now: now), performance: performance)
                == ["fast", "mid", "slow", "unseen"])
        var tracker = performance
        tracker.record(target("slow"), PerformanceSample(at: now - 10, tokensPerSecond: 500, durationMs: 1))
        // EWMA (alpha 0.3): 20 + 0.3 × 480 = 164 tok/s, now the fastest; its TTFT average is unchanged.
        #expect(ordered(candidates, selection(.performance, now: now), performance: tracker).first == "slow")
        #expect(ordered(candidates, selection(.latency, now: now), performance: tracker).first == "fast")
    }

    @Test func staleDataCountsAsUnmeasured() {
        var tracker = PerformanceTracker(window: 600)
        tracker.record(target("fast"), PerformanceSample(at: now - 700, ttftMs: 10, durationMs: 1))
        tracker.record(target("slow"), PerformanceSample(at: now - 5, ttftMs: 900, durationMs: 1))
        #expect(
            ordered(candidates, selection(.latency, now: now), performance: tracker) == [
                "slow", "unseen", "fast", "mid",
            ])
    }

    @Test func noDataAtAllKeepsDeclaredOrder() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let order = ordered(candidates, selection(.latency, now: now, exploration: 0.5), rng: &rng)
            #expect(order == ["slow", "unseen", "fast", "mid"])
        }
    }

    @Test(arguments: [0.05, 0.2])
    func unseenTargetIsExploredAtTheExplorationRate(rate: Double) {
        var rng = SplitMix64(seed: 11)
        let tracker = performance
        var explored = 0
        let runs = 4000
        for _ in 0..<runs {
            let order = ordered(
                candidates, selection(.latency, now: now, exploration: rate), performance: tracker, rng: &rng)
            if order.first == "unseen" {
                explored += 1
                #expect(order == ["unseen", "fast", "mid", "slow"])
            } else {
                #expect(order == ["fast", "mid", "slow", "unseen"])
            }
        }
        let share = Double(explored) / Double(runs)
        #expect(abs(share - rate) <= 0.02, "explored \(share)")
    }

    @Test func coolingGoLastOrderedByExpiry() {
        var cooldowns = CooldownTable()
        let config = CooldownConfig()
        cooldowns.recordFailure(target("fast"), reason: .rateLimited, retryAfter: 200, now: now, config: config)
        cooldowns.recordFailure(target("mid"), reason: .serverError, retryAfter: nil, now: now, config: config)
        let input = selection(.latency, now: now + 1)
        #expect(
            ordered(candidates, input, cooldowns: cooldowns, performance: performance) == [
                "slow", "unseen", "mid", "fast",
            ])
        // Every target cooling: still all returned, soonest recovery first.
        for name in ["slow", "unseen"] {
            cooldowns.recordFailure(target(name), reason: .timeout, retryAfter: 100, now: now, config: config)
        }
        #expect(
            ordered(candidates, input, cooldowns: cooldowns, performance: performance) == [
                "mid", "slow", "unseen", "fast",
            ])
        // After the cooldowns expire the selector decides again.
        #expect(
            ordered(candidates, selection(.latency, now: now + 300), cooldowns: cooldowns, performance: performance)
                == ["fast", "mid", "slow", "unseen"])
    }

    @Test func stickyTargetGoesFirstUnlessCooling() {
        var sticky = StickyTable()
        sticky.remember(7, target: target("slow"), now: now - 100)
        let input = selection(.latency, conversation: 7, now: now)
        #expect(
            ordered(candidates, input, performance: performance, sticky: sticky) == ["slow", "fast", "mid", "unseen"])
        let off = selection(.latency, conversation: 7, now: now, sticky: false)
        #expect(ordered(candidates, off, performance: performance, sticky: sticky).first == "fast")
        let other = selection(.latency, conversation: 8, now: now)
        #expect(ordered(candidates, other, performance: performance, sticky: sticky).first == "fast")
        var cooldowns = CooldownTable()
        cooldowns.recordFailure(
            target("slow"), reason: .overloaded, retryAfter: nil, now: now, config: CooldownConfig())
        #expect(
            ordered(candidates, input, cooldowns: cooldowns, performance: performance, sticky: sticky)
                == ["fast", "mid", "unseen", "slow"])
    }

    @Test func stickyTargetOutsideTheCandidatesIsIgnored() {
        var sticky = StickyTable()
        sticky.remember(7, target: target("elsewhere"), now: now)
        let input = selection(.inOrder, conversation: 7, now: now)
        #expect(ordered(candidates, input, sticky: sticky) == ["slow", "unseen", "fast", "mid"])
    }

    @Test func stickyExpiresAfterTTL() {
        var sticky = StickyTable(ttl: 3600)
        sticky.remember(7, target: target("mid"), now: now - 3601)
        #expect(ordered(candidates, selection(.inOrder, conversation: 7, now: now), sticky: sticky).first == "slow")
    }
}
