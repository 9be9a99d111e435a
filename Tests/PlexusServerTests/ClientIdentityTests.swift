import Foundation
import PlexusCore
import PlexusRouting
import Testing

@testable import PlexusServer

/// What a usage row takes as an attribution: at most 200 UTF-8 bytes, no control characters; else a 400.
@Suite("Client identity")
struct ClientIdentityTests {
    static let keys = KeyTable(keys: [KeyConfig(name: "k", secret: "s3cret")], digest: { $0 })

    @Test(arguments: [
        ("s3cret", "k -"),
        ("s3cret:", "k -"),
        ("s3cret:alice", "k alice"),
        ("s3cret:" + String(repeating: "a", count: 200), "k " + String(repeating: "a", count: 200)),
        ("s3cret:" + String(repeating: "é", count: 100), "k " + String(repeating: "é", count: 100)),
        ("s3cret:👩‍💻 dev", "k 👩‍💻 dev"),
        ("s3cret:" + String(repeating: "a", count: 201), "400"),
        ("s3cret:" + String(repeating: "é", count: 101), "400"),
        ("s3cret:a\u{7F}", "400"),
        ("s3cret:a\u{85}", "400"),
        ("s3cret:a\nb", "400"),
        ("nope:alice", "nil"),
    ])
    func identify(token: String, expected: String) {
        let outcome: String
        do throws(PlexusError) {
            outcome =
                try ClientIdentity.identify(token, keys: Self.keys, now: Date())
                .map { "\($0.key.name) \($0.attribution ?? "-")" } ?? "nil"
        } catch {
            outcome = "\(error.httpStatus)"
        }
        #expect(outcome == expected)
    }
}
