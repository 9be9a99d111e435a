import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusStorage
import Testing

@testable import PlexusServer

/// An upstream whose answer never ends (`mock:endless`: valid text events without end) is cut once a translation
/// has taken in `IR.maxAnswerBytes` of it, since what a translation keeps (a Responses client's final response,
/// a trace's message) grows with it. Relayed raw, nothing is kept, and the stream runs until the client leaves.
/// (A Responses client, whose closing events repeat the whole text, is tested against the binary in tests/chaos,
/// apart from the rest of the suite: in a debug build its 320 MiB take the CPU for a while.)
@Suite("Endless upstream answers", .serialized, .timeLimit(.minutes(4)))
struct UpstreamEndlessTests {
    static let message = "a: stream answer over 67108864 bytes"

    static let models = """
          endless:
            targets: [ { provider: a, model: "mock:endless" } ]
        """

    /// An Anthropic client of a Chat upstream gets Anthropic's error event after the bound, and reads more than it
    /// but less than twice it (the event that passed it is not sent).
    @Test func aTranslatedStreamIsCutPastTheBound() async throws {
        try await withMockServer { port, mock in
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: Self.models)) { gw in
                let bound = IR.maxAnswerBytes
                let read = try await gw.readStream(
                    "/v1/messages",
                    body:
                        #"{"model":"endless","max_tokens":99,"stream":true,"messages":[{"role":"user","content":"x"}]}"#,
                    upTo: 8 * bound,
                    seeking:
                        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"a: stream answer over 67108864 bytes\"}}\n\n"
                )
                #expect(read.ended, "the stream ends by itself (\(read.total) bytes)")
                #expect((0.9...2).contains(Double(read.total) / Double(bound)), "\(read.total) bytes")
                #expect(read.found, "\(read.tail.suffix(400).debugDescription)")
                let row = try #require(try await gw.rows().first)
                #expect(row.outcome == .error)
                #expect(row.errorText == Self.message)
                let dropped = await mock.stats.waitUntil(timeout: .seconds(10)) { $0.streamsCancelled >= 1 }
                #expect(dropped != nil, "the endless upstream call is dropped")
            }
        }
    }

    @Test func aRawStreamRunsUntilTheClientLeaves() async throws {
        try await withMockServer { port, mock in
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: Self.models)) { gw in
                let body = #"{"model":"endless","stream":true,"messages":[{"role":"user","content":"x"}]}"#
                let limit = IR.maxAnswerBytes + 8 << 20
                let read = try await gw.readStream("/v1/chat/completions", body: body, upTo: limit)
                #expect(!read.ended, "a raw relay keeps nothing, so nothing cuts it")
                #expect(read.total >= limit)
                let row = try #require(try await gw.rows().first)
                #expect(row.outcome == .cancelled)
                let dropped = await mock.stats.waitUntil(timeout: .seconds(10)) { $0.streamsCancelled >= 1 }
                #expect(dropped != nil)
            }
        }
    }
}
