import Foundation
import PlexusRouting
import Testing

/// `keys.NAME.limits` counted in memory over an injected clock (CONFIG.md "Keys").
@Suite("Key limiter")
struct KeyLimiterTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z, a Friday

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    func admitted(_ verdict: LimitVerdict) -> LimitStanding? {
        if case .admitted(let standing) = verdict { return standing }
        return nil
    }

    func refusal(_ verdict: LimitVerdict) -> (LimitReason, Int)? {
        if case .limited(let reason, let wait, _) = verdict { return (reason, wait) }
        return nil
    }

    @Test func requestsPerMinuteSlideAndRetryAfterIsWhenTheWindowFrees() throws {
        var limiter = KeyLimiter()
        let limits = KeyLimits(requestsPerMinute: 3)
        for (i, s) in [0.0, 10, 20].enumerated() {
            let standing = try #require(admitted(limiter.admit(key: "k", limits: limits, now: at(s))))
            #expect(standing.requestsRemaining(limits) == 2 - i, "the header counts the request it answers")
            limiter.finish(key: "k", limits: limits, tokens: 5, costUSD: nil, now: at(s + 1))
        }
        let refused = try #require(refusal(limiter.admit(key: "k", limits: limits, now: at(30))))
        #expect(refused.0 == .requestsPerMinute)
        #expect(refused.1 == 30, "the admission at 0 s leaves the window at 60 s")
        // Refused requests do not count: at 60.5 s the first admission has left, so one more fits.
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: at(60.5))) != nil)
        #expect(refusal(limiter.admit(key: "k", limits: limits, now: at(61)))?.1 == 9)
    }

    @Test func tokensPerMinuteCountFinishedRequestsAndWaitForEnoughToLeave() throws {
        var limiter = KeyLimiter()
        let limits = KeyLimits(tokensPerMinute: 100)
        for (s, tokens) in [(0.0, 30), (10, 50), (20, 40)] {
            _ = try #require(admitted(limiter.admit(key: "k", limits: limits, now: at(s))))
            limiter.finish(key: "k", limits: limits, tokens: tokens, costUSD: 0, now: at(s))
        }
        // 120 tokens in the window: below 100 once the 30 (at 0 s) leaves? 90 < 100, so at 60 s.
        let refused = try #require(refusal(limiter.admit(key: "k", limits: limits, now: at(25))))
        #expect(refused.0 == .tokensPerMinute)
        #expect(refused.1 == 35)
        let standing = limiter.standing(key: "k", limits: limits, now: at(25))
        #expect(standing.tokensRemaining(limits) == 0)
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: at(60.5))) != nil)
    }

    @Test func concurrentRequestsAreFreedWhenARequestFinishes() throws {
        var limiter = KeyLimiter()
        let limits = KeyLimits(concurrentRequests: 2)
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: at(0))) != nil)
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: at(0))) != nil)
        #expect(refusal(limiter.admit(key: "k", limits: limits, now: at(0)))?.0 == .concurrentRequests)
        limiter.finish(key: "k", limits: limits, tokens: 0, costUSD: nil, now: at(1))
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: at(1)))?.concurrent == 2)
        #expect(refusal(limiter.admit(key: "other", limits: limits, now: at(1))) == nil, "keys count apart")
    }

    @Test func budgetIsSeededOnceAndRefusesUntilThePeriodEnds() throws {
        var limiter = KeyLimiter()
        let limits = KeyLimits(budget: .init(usd: 1.0, period: .day))
        #expect(limiter.needsSpend(key: "k", limits: limits, now: at(0)) == .day)
        let day = BudgetPeriod.day.interval(containing: at(0))
        limiter.seed(key: "k", kind: .day, period: day, spendUSD: 0.9, unpricedRequests: 2)
        #expect(limiter.needsSpend(key: "k", limits: limits, now: at(0)) == nil)
        let standing = try #require(admitted(limiter.admit(key: "k", limits: limits, now: at(0))))
        #expect(abs((standing.budgetRemaining(limits) ?? 0) - 0.1) < 1e-9)
        // A request admitted under the budget finishes over it: the overshoot is what was in flight.
        limiter.finish(key: "k", limits: limits, tokens: 10, costUSD: 0.5, now: at(5))
        limiter.finish(key: "k", limits: limits, tokens: 10, costUSD: nil, now: at(5))
        let refused = try #require(refusal(limiter.admit(key: "k", limits: limits, now: at(10))))
        #expect(refused.0 == .budget)
        #expect(refused.1 == Int(day.end.timeIntervalSince(at(10)).rounded(.up)))
        let after = limiter.standing(key: "k", limits: limits, now: at(10))
        #expect(after.unpricedRequests == 3)
        // The next day starts empty, without reading the log again.
        let tomorrow = day.end.addingTimeInterval(1)
        #expect(limiter.needsSpend(key: "k", limits: limits, now: tomorrow) == nil)
        #expect(admitted(limiter.admit(key: "k", limits: limits, now: tomorrow))?.spendUSD == 0)
    }

    @Test func aChangedBudgetPeriodIsReadFromTheLogAgain() {
        var limiter = KeyLimiter()
        let daily = KeyLimits(budget: .init(usd: 1, period: .day))
        limiter.seed(
            key: "k", kind: .day, period: BudgetPeriod.day.interval(containing: at(0)), spendUSD: 0.5,
            unpricedRequests: 0)
        let monthly = KeyLimits(budget: .init(usd: 10, period: .month))
        #expect(limiter.needsSpend(key: "k", limits: daily, now: at(0)) == nil)
        #expect(limiter.needsSpend(key: "k", limits: monthly, now: at(0)) == .month)
    }

    @Test func theLongestWaitIsReportedWhenSeveralLimitsRefuse() throws {
        var limiter = KeyLimiter()
        let limits = KeyLimits(requestsPerMinute: 1, concurrentRequests: 1)
        _ = limiter.admit(key: "k", limits: limits, now: at(0))
        let refused = try #require(refusal(limiter.admit(key: "k", limits: limits, now: at(1))))
        #expect(refused.0 == .requestsPerMinute && refused.1 == 59)
    }

    @Test(arguments: [
        // A Friday morning: the day, the ISO week from Monday, the calendar month, all in UTC.
        (BudgetPeriod.day, "2027-01-15T00:00:00Z", "2027-01-16T00:00:00Z"),
        (BudgetPeriod.week, "2027-01-11T00:00:00Z", "2027-01-18T00:00:00Z"),
        (BudgetPeriod.month, "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
    ])
    func periodsAreCalendarPeriodsInUTC(period: BudgetPeriod, start: String, end: String) {
        let interval = period.interval(containing: t0)
        let iso = ISO8601DateFormatter()
        #expect(iso.string(from: interval.start) == start)
        #expect(iso.string(from: interval.end) == end)
    }
}

@Suite("Key limits in plexus.yaml")
struct KeyLimitsConfigTests {
    let head = """
        providers: { demo: { api_base_url: "mock://", max_concurrency: 4, models: { m: { max_concurrency: 2 } } } }
        models: { a: { targets: [ { provider: demo, model: m } ] } }

        """

    @Test func everyLimitIsRead() throws {
        let config = try load(
            head + """
                keys:
                  k:
                    secret: s
                    limits:
                      requests_per_minute: 60
                      tokens_per_minute: 2000
                      concurrent_requests: 8
                      budget: { usd: 12.5, period: week }
                  open: { secret: t }
                """)
        let limits = try #require(config.keys.first { $0.name == "k" }?.limits)
        #expect(
            limits
                == KeyLimits(
                    requestsPerMinute: 60, tokensPerMinute: 2000, concurrentRequests: 8,
                    budget: .init(usd: 12.5, period: .week)))
        #expect(config.keys.first { $0.name == "open" }?.limits == nil)
        #expect(config.providers.first?.maxConcurrency == 4)
        #expect(config.providers.first?.models.first?.maxConcurrency == 2)
    }

    @Test(arguments: [
        ("requests_per_minute: 0", "keys.k.limits.requests_per_minute"),
        ("concurrent_requests: -1", "keys.k.limits.concurrent_requests"),
        ("budget: { usd: 5, period: year }", "keys.k.limits.budget.period"),
        ("budget: { usd: -1, period: day }", "keys.k.limits.budget.usd"),
        ("budget: { period: day }", "keys.k.limits.budget.usd"),
        ("requests_per_hour: 5", "keys.k.limits.requests_per_hour"),
    ])
    func badLimitsAreNamed(line: String, path: String) {
        let found = problems(
            head + """
                keys:
                  k:
                    secret: s
                    limits: { \(line) }
                """)
        #expect(found.map(\.path).contains(path), "\(found)")
    }
}

@Suite("Target concurrency")
struct TargetConcurrencyTests {
    @Test func providerAndModelCapsEachStopATarget() {
        var provider = ProviderConfig(name: "p", baseURLs: [.chat: "http://x"])
        provider.maxConcurrency = 3
        provider.models = [ProviderModel(name: "capped"), ProviderModel(name: "free")]
        provider.models[0].maxConcurrency = 1
        let capped = Candidate(provider: provider, model: "capped")
        let free = Candidate(provider: provider, model: "free")
        var slots = TargetConcurrency()
        let taken = [capped, capped, free, free, free].map { slots.acquire($0) }
        #expect(taken == [true, false, true, true, false], "the model's cap, then the provider's across both models")
        slots.release(capped)
        #expect(slots.inFlight(provider: "p") == 2)
        let again = slots.acquire(free)
        #expect(again)
        let open = Candidate(provider: ProviderConfig(name: "q", baseURLs: [.chat: "http://y"]), model: "m")
        #expect(!TargetConcurrency.isCapped(open))
    }
}
