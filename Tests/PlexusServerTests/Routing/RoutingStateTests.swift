import Foundation
import PlexusRouting
import Testing

@testable import PlexusServer

/// A unary success is recorded after its answer is written, so a later request's failure can reach the routing
/// state first; the success is dated when its answer was ready and must not clear that newer cooldown.
@Suite struct RoutingStateTests {
    let target = TargetID(provider: "a", model: "m")

    func sample(at: Double, success: Bool) -> PerformanceSample {
        PerformanceSample(at: at, durationMs: 1, success: success)
    }

    @Test(arguments: [(-1.0, false), (1.0, true)])
    func aSuccessClearsOnlyACooldownSetBeforeItsAnswer(answerOffset: Double, clears: Bool) async {
        let state = RoutingState()
        let changes = state.cooldownChanges()
        let failedAt = RoutingState.now()
        state.failed(
            target, reason: .serverError, retryAfter: 60, config: CooldownConfig(),
            sample: sample(at: failedAt, success: false))
        let cleared = state.succeeded(
            target, sample: sample(at: failedAt + answerOffset, success: true), conversation: 7)
        #expect(cleared == clears)
        #expect(state.isCooling(target, now: failedAt + 2) == !clears)
        // Both samples count for the performance window either way.
        #expect(state.performance(now: failedAt + 2)[target]?.requests == 2)
        // What the other instances are told; clearing everything marks the end.
        state.clearCooldown(nil)
        var announced: [String] = []
        for await change in changes {
            switch change {
            case .set(let entry): announced.append("set \(entry.target.provider)")
            case .cleared(let t, let before):
                announced.append("cleared \(t?.provider ?? "all")")
                if t != nil { #expect(before == failedAt + answerOffset, "dated when its answer was ready") }
            }
            if announced.last == "cleared all" { break }
        }
        #expect(announced == (clears ? ["set a", "cleared a", "cleared all"] : ["set a", "cleared all"]))
    }

    @Test(arguments: [0.0, 0.25, 2.0])
    func wallClockDatesAnInstantInThePast(secondsAgo: Double) {
        let instant = ContinuousClock.now - .milliseconds(Int(secondsAgo * 1000))
        let dated = RoutingState.wallClock(instant)
        let expected = RoutingState.now() - secondsAgo
        #expect(abs(dated - expected) < 0.05, "\(dated) vs \(expected)")
    }
}

extension RoutingStateTests {
    /// Another instance's success clears a cooldown here only if it was set before that success's answer; a clear
    /// by hand (no time) always does.
    @Test(arguments: [(-1.0 as Double?, true), (1.0, false), (nil, false)])
    func aClearFromAnotherInstanceKeepsANewerCooldown(offset: Double?, keeps: Bool) {
        let state = RoutingState()
        let failedAt = RoutingState.now()
        state.failed(
            target, reason: .serverError, retryAfter: 60, config: CooldownConfig(),
            sample: sample(at: failedAt, success: false))
        state.adoptClear(target, before: offset.map { failedAt + $0 })
        #expect(state.isCooling(target, now: failedAt + 2) == keeps)
    }
}
