import Testing
@testable import PlexusServer

@Suite("Request IDs")
struct RequestIDTests {
    @Test func reqAnd32LowercaseHexDigitsDifferingEachTime() {
        let ids = (0..<64).map { _ in ProxyEngine.newRequestID() }
        for id in ids {
            #expect(id.hasPrefix("req_") && id.utf8.count == 36)
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        }
        #expect(Set(ids).count == ids.count)
        // Every digit value shows up somewhere (the nibbles are all read).
        #expect(Set(ids.flatMap { $0.dropFirst(4) }).count == 16)
    }
}
