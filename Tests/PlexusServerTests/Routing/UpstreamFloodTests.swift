import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusMock
import PlexusStorage
import Testing

@testable import PlexusServer

/// An upstream that floods (`mock:flood=K`: K events, then a line that never ends) is cut once it passes the
/// bound of one event (`SSEParser.defaultMaxEventBytes`), whatever mode the stream is relayed in: the gateway
/// holds at most that much of it, and the client gets an answer it can read.
@Suite("Upstream floods", .serialized, .timeLimit(.minutes(3)))
struct UpstreamFloodTests {
    @Test(arguments: [true, false])
    func aFloodBeforeTheFirstEventFailsOver(stream: Bool) async throws {
        try await withMockServer { port, mock in
            let yaml = twoTargetYAML(port: port, models: FailoverTests.aliases("mock:flood"))
            try await TestGateway.with(yaml: yaml) { gw in
                let answer = try await gw.chat("pair", stream: stream)
                #expect(answer.status == 200)
                #expect(answer.provider == "b")
                let row = try #require(try await gw.rows().first)
                #expect(row.attempts.map(\.provider) == ["a", "b"])
                let cut = try #require(row.attempts.first?.error)
                #expect(cut.contains(stream ? "without a whole event" : "upstream body over"), "\(cut)")
                let cancelled = await mock.stats.waitUntil(timeout: .seconds(10)) {
                    $0.streamsCancelled + $0.requestsCancelled >= 1
                }
                #expect(cancelled != nil, "the flooding upstream call is dropped")
            }
        }
    }

    struct Later: CustomTestStringConvertible, Sendable {
        let testDescription: String
        let path: String
        let body: String
        /// How the stream ends.
        let ending: String
        /// Relayed raw, the flood reaches the client as it came, up to the bound.
        let raw: Bool
    }

    static let later: [Later] = [
        Later(
            testDescription: "translated (OpenAI upstream, Anthropic client): Anthropic's error event",
            path: "/v1/messages",
            body: #"{"model":"flooding","max_tokens":99,"stream":true,"messages":[{"role":"user","content":"x"}]}"#,
            ending:
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"a: stream event over 67108864 bytes\"}}\n\n",
            raw: false),
        Later(
            testDescription: "raw (OpenAI both sides): a blank line ends the flood, then OpenAI's error chunk",
            path: "/v1/chat/completions",
            body:
                #"{"model":"flooding","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}"#,
            ending:
                "xxx\n\ndata: {\"error\":{\"message\":\"a: stream event over 67108864 bytes\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream\"}}\n\ndata: [DONE]\n\n",
            raw: true),
    ]

    @Test(arguments: later)
    func aFloodAfterEventsEndsTheStreamWithTheProtocolsError(_ c: Later) async throws {
        try await withMockServer { port, _ in
            let models = """
                  flooding:
                    targets: [ { provider: a, model: "mock:tokens=40,flood=3" } ]
                """
            try await TestGateway.with(yaml: twoTargetYAML(port: port, models: models)) { gw in
                let read = try await gw.readStream(c.path, body: c.body)
                let (total, tail) = (read.total, read.tail)
                let bound = IR.maxAnswerBytes
                #expect(c.raw ? total > bound && total < 2 * bound : total < 64 * 1024, "\(total) bytes")
                #expect(c.raw || tail.contains("event: content_block_delta"), "the events before the flood went out")
                #expect(
                    tail.hasSuffix(c.ending), "\(total) \(tail.suffix(300).filter { $0 != "x" }.debugDescription)")
                let row = try #require(try await gw.rows().first)
                #expect(row.outcome == .error)
                #expect(row.errorText?.contains("stream event over") == true)
            }
        }
    }
}
