import NIOCore
import Testing

@testable import PlexusServer

/// The clock of a lingering close: 5 s of silence or 30 s in all, whichever comes first, and a byte limit.
@Suite("Lingering close")
struct LingeringCloseTests {
    static func at(_ seconds: Double) -> NIODeadline {
        .uptimeNanoseconds(1_000_000_000_000 + UInt64(seconds * 1e9))
    }

    static func linger() -> LingeringClose { LingeringClose(time: .seconds(30), timeout: .seconds(5), limit: 100) }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// When the output was shut (nil: not yet), the client's reads (time, bytes), and when the timer fires.
        let shutAt: Double?
        let reads: [(Double, Int)]
        let firedAt: Double
        let expected: LingeringClose.Fire
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a silent client is closed 5 s after the shut", shutAt: 0, reads: [], firedAt: 5, expected: .close),
        Case(
            name: "a client that sent since has 5 s from its last bytes", shutAt: 0, reads: [(3, 10)], firedAt: 5,
            expected: .rearm(at(8))),
        Case(
            name: "bytes before the shut do not count: the client's time starts at the shut", shutAt: 2,
            reads: [(1, 10)], firedAt: 5, expected: .rearm(at(7))),
        Case(
            name: "a client that keeps sending is closed after 30 s", shutAt: 0,
            reads: [(5, 1), (10, 1), (15, 1), (20, 1), (25, 1), (29, 1)], firedAt: 30, expected: .close),
        Case(
            name: "the re-armed timer never goes past the 30 s", shutAt: 0, reads: [(28, 1)], firedAt: 29,
            expected: .rearm(at(30))),
        Case(name: "no timer runs before the shut", shutAt: nil, reads: [(1, 1)], firedAt: 10, expected: .none),
    ]

    @Test(arguments: cases)
    func timer(_ c: Case) {
        var linger = Self.linger()
        var shut = false
        for (time, count) in c.reads {
            if let shutAt = c.shutAt, !shut, shutAt <= time {
                _ = linger.outputShut(now: Self.at(shutAt))
                shut = true
            }
            let kept = linger.read(count, now: Self.at(time))
            #expect(kept)
        }
        if let shutAt = c.shutAt, !shut {
            let first = linger.outputShut(now: Self.at(shutAt))
            #expect(first == Self.at(shutAt) + .seconds(5))
        }
        #expect(linger.fired(now: Self.at(c.firedAt)) == c.expected)
    }

    @Test func theByteLimitEndsIt() {
        var linger = Self.linger()
        let kept = [60, 40, 1].map { linger.read($0, now: Self.at(0)) }
        #expect(kept == [true, true, false])
        #expect(linger.dropped == 101)
    }
}
