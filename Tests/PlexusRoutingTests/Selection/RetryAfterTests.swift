import Testing

@testable import PlexusRouting

@Suite struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT.
    let date = 784_111_777.0

    @Test(arguments: [("120", 120.0), ("0", 0), ("1.5", 1.5), ("  30 ", 30)])
    func seconds(header: String, expected: Double) {
        #expect(RetryAfter.seconds(header, now: 5) == expected)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ])
    func httpDateForms(header: String) {
        #expect(RetryAfter.httpDate(header) == date)
        #expect(RetryAfter.seconds(header, now: date - 90) == 90)
    }

    @Test func pastDateIsZero() {
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: date + 10) == 0)
    }

    @Test func leapYearAndEpoch() {
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.httpDate("Thu, 29 Feb 2024 12:00:00 GMT") == 1_709_208_000)
    }

    @Test(arguments: ["", "soon", "-5", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "1e3x"])
    func rejectsGarbage(header: String) {
        #expect(RetryAfter.seconds(header, now: 0) == nil)
    }
}
