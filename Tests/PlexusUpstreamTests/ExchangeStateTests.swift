import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import PlexusUpstream

/// The exchange's timers and back-pressure as a state machine, on a fixed clock.
@Suite("Upstream exchange state")
struct ExchangeStateTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func state(firstEventAtHead: Bool) -> ExchangeState {
        ExchangeState(
            firstEventDeadline: t0 + .seconds(10), idleTimeout: .seconds(2),
            firstEventAtHead: firstEventAtHead, now: t0)
    }

    @Test func beforeItsFirstEventAStreamIsTimedByTheFirstEventDeadlineOnly() {
        var s = Self.state(firstEventAtHead: false)
        _ = s.receive(head: .init(status: 200, headers: [:]), now: Self.t0 + .seconds(1))
        // 5 s of silence after the head is not an idle timeout yet: the first event has until 10 s.
        #expect(s.timerFired(now: Self.t0 + .seconds(6)) == .rearm(Self.t0 + .seconds(10)))
        guard case .fail(let error) = s.timerFired(now: Self.t0 + .seconds(10)) else {
            Issue.record("no failure at the first-event deadline")
            return
        }
        #expect(error.code == .firstByteTimeout)
    }

    @Test func aUnaryAnswersHeadIsItsFirstEvent() {
        var s = Self.state(firstEventAtHead: true)
        _ = s.receive(head: .init(status: 200, headers: [:]), now: Self.t0 + .seconds(1))
        #expect(s.timerFired(now: Self.t0 + .seconds(2)) == .rearm(Self.t0 + .seconds(3)))
        guard case .fail(let error) = s.timerFired(now: Self.t0 + .seconds(3)) else {
            Issue.record("no idle timeout")
            return
        }
        #expect(error.code == .idleTimeout)
    }

    @Test func theFirstEventBringsTheTimerForwardAndEachReadPushesItBack() {
        var s = Self.state(firstEventAtHead: false)
        #expect(s.firstEventArrived(now: Self.t0 + .seconds(1)) == Self.t0 + .seconds(3))
        _ = s.receive(body: ByteBuffer(string: "x"), now: Self.t0 + .seconds(2), on: Self.loop)
        #expect(s.timerFired(now: Self.t0 + .seconds(3)) == .rearm(Self.t0 + .seconds(4)))
    }

    @Test func aReaderThatFellBehindIsNotTheUpstreamsSilence() {
        var s = Self.state(firstEventAtHead: true)
        _ = s.receive(head: .init(status: 200, headers: [:]), now: Self.t0)
        let big = ByteBuffer(repeating: 0, count: ExchangeState.highWater)
        guard case .pause(let resumed) = s.receive(body: big, now: Self.t0, on: Self.loop) else {
            Issue.record("reading did not pause at the high-water mark")
            return
        }
        #expect(s.timerFired(now: Self.t0 + .seconds(5)) == .rearm(Self.t0 + .seconds(7)))
        guard case .chunk(_, let resume) = s.next(now: Self.t0 + .seconds(6)) else {
            Issue.record("no chunk")
            return
        }
        #expect(resume?.futureResult === resumed)
        resume?.succeed()
        #expect(s.timerFired(now: Self.t0 + .seconds(7)) == .rearm(Self.t0 + .seconds(8)))
    }

    @Test func onlyTheFirstFailureCountsAndAnEndedExchangeIgnoresLaterOnes() {
        var s = Self.state(firstEventAtHead: true)
        #expect(s.fail(UpstreamError(.reset, "a")) != nil)
        #expect(s.fail(UpstreamError(.cancelled, "b")) == nil)
        var ended = Self.state(firstEventAtHead: true)
        _ = ended.end()
        #expect(ended.fail(UpstreamError(.reset, "late")) == nil)
        #expect(ended.timerFired(now: Self.t0 + .seconds(99)) == .none)
    }
}
