import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PlexusCore
import PlexusMock
import PlexusStorage
import Testing

@testable import PlexusServer

/// Issue 19 item 2: stored responses and `previous_response_id`, through the in-process gateway to the mock's
/// Responses route over loopback. The mock stores nothing (it refuses `previous_response_id`), so every second turn
/// that succeeds was expanded by the gateway.
@Suite("Responses: stored turns and previous_response_id", .serialized, .timeLimit(.minutes(3)))
struct ResponsesStateTests {
    static func yaml(port: Int) -> String {
        """
        providers:
          oa:
            api_base_url: { responses: "http://127.0.0.1:\(port)/v1" }
            models: { demo-fast: {}, demo-thinking: {}, demo-tools: {} }
          cc:
            api_base_url: { chat: "http://127.0.0.1:\(port)/v1" }
        models:
          fast: { targets: [{ provider: oa, model: demo-fast }] }
          via-chat: { targets: [{ provider: cc, model: demo-thinking }] }
          thinker: { targets: [{ provider: oa, model: demo-thinking }] }
        keys:
          tester: { secret: "${TEST_KEY}" }
          other: { secret: "sk-other-key" }
        """
    }

    static let otherKey = "sk-other-key"

    /// POSTs a Responses body and returns the status and the body (a stream's bytes as they came).
    static func send(_ gw: TestGateway, _ body: String, key: String = TestGateway.key) async throws -> (Int, String) {
        let response = try await HTTPClient.shared.post(
            gw.base + "/v1/responses", json: body, headers: [("authorization", "Bearer \(key)")])
        return (Int(response.status.code), try await response.text())
    }

    static func call(_ gw: TestGateway, _ method: HTTPMethod, _ path: String, key: String = TestGateway.key)
        async throws -> (Int, JSONValue?)
    {
        var request = HTTPClientRequest(url: gw.base + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = try await response.text()
        return (Int(response.status.code), try? JSONValue(parsing: text))
    }

    /// The `response` of a stream's terminal event.
    static func completed(_ stream: String) throws -> JSONValue {
        var parser = SSEParser()
        let events = parser.feed(Array(stream.utf8)) + parser.finish()
        let last = try #require(events.last { $0.event == "response.completed" || $0.event == "response.incomplete" })
        return try #require(try JSONValue(parsing: last.data)["response"])
    }

    @Test func aStoredTurnIsReadDeletedAndContinued() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let (status, text) = try await Self.send(gw, #"{"model":"fast","input":"Say hello"}"#)
                #expect(status == 200, "\(text)")
                let first = try JSONValue(parsing: text)
                let id = try #require(first["id"]?.stringValue)

                // Read back as sent, by its key only; the other key sees the same 404 as an unknown id.
                let (got, stored) = try await Self.call(gw, .GET, "/v1/responses/\(id)")
                #expect(got == 200 && stored == first)
                let (foreign, error) = try await Self.call(gw, .GET, "/v1/responses/\(id)", key: Self.otherKey)
                #expect(foreign == 404 && error?["error"]?["type"]?.stringValue == "invalid_request_error")
                #expect(try await Self.call(gw, .GET, "/v1/responses/resp_unknown").0 == 404)
                let (listed, items) = try await Self.call(gw, .GET, "/v1/responses/\(id)/input_items")
                #expect(listed == 200 && items?["data"]?.arrayValue?.count == 1)

                // A second turn: the gateway sends the history (the mock would refuse the id).
                let next = #"{"model":"fast","previous_response_id":"\#(id)","input":"And again"}"#
                let (status2, text2) = try await Self.send(gw, next)
                #expect(status2 == 200, "\(text2)")
                let second = try JSONValue(parsing: text2)
                let secondID = try #require(second["id"]?.stringValue)
                let (_, items2) = try await Self.call(gw, .GET, "/v1/responses/\(secondID)/input_items")
                // input "Say hello", the first answer's message, then "And again".
                #expect(items2?["data"]?.arrayValue?.count == 3)
                #expect(
                    second["usage"]?["input_tokens"]?.intValue ?? 0 > first["usage"]?["input_tokens"]?.intValue ?? 0)

                // Another key cannot continue it; the row of that refused request is written.
                let (refused, body) = try await Self.send(gw, next, key: Self.otherKey)
                #expect(refused == 404, "\(body)")
                #expect(try JSONValue(parsing: body)["error"]?["param"]?.stringValue == "previous_response_id")

                // Deleted: gone for reads and continuations.
                let (deleted, answer) = try await Self.call(gw, .DELETE, "/v1/responses/\(id)")
                #expect(deleted == 200 && answer?["deleted"] == .bool(true))
                #expect(try await Self.call(gw, .GET, "/v1/responses/\(id)").0 == 404)
                #expect(try await Self.send(gw, next).0 == 404)
                let rows = try await gw.rows()
                #expect(rows.filter { $0.clientProtocol == .responses }.count == 4)
                #expect(rows.contains { $0.outcome == .error && $0.httpStatus == 404 })
            }
        }
    }

    /// A Responses client of a Chat target: the answer is translated, carries the gateway's id (`resp_` and the
    /// request id), is stored under it, and its usage row has the Chat upstream's tokens.
    @Test(arguments: [false, true])
    func aTranslatedTurnIsStoredUnderTheGatewaysID(stream: Bool) async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let body =
                    #"{"model":"via-chat","input":"Think it over","stream":\#(stream),"reasoning":{"effort":"low"}}"#
                let (status, text) = try await Self.send(gw, body)
                #expect(status == 200, "\(text)")
                let answer = stream ? try Self.completed(text) : try JSONValue(parsing: text)
                let id = try #require(answer["id"]?.stringValue)
                let row = try #require(try await gw.rows().first)
                #expect(id == "resp_" + row.requestID.dropFirst(4))
                #expect((answer["created_at"]?.intValue ?? 0) > 1_600_000_000)  // the upstream's, or the server's clock
                #expect(row.clientProtocol == .responses && row.targetProtocol == .chat && !row.passthrough)
                #expect((row.tokens.input ?? 0) > 0 && (row.tokens.output ?? 0) > 0 && (row.tokens.reasoning ?? 0) > 0)
                #expect(
                    answer["usage"]?["output_tokens_details"]?["reasoning_tokens"]?.intValue == row.tokens.reasoning)
                let (got, stored) = try await Self.call(gw, .GET, "/v1/responses/\(id)")
                #expect(got == 200 && stored?["output"] == answer["output"])
            }
        }
    }

    @Test func storeFalseKeepsNothing() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let (status, text) = try await Self.send(gw, #"{"model":"fast","input":"hi","store":false}"#)
                #expect(status == 200, "\(text)")
                let id = try #require(try JSONValue(parsing: text)["id"]?.stringValue)
                #expect(try await Self.call(gw, .GET, "/v1/responses/\(id)").0 == 404)
                let next = #"{"model":"fast","previous_response_id":"\#(id)","input":"more"}"#
                #expect(try await Self.send(gw, next).0 == 404)
            }
        }
    }

    /// A stream is stored from its terminal event, before that event reaches the client; the encrypted reasoning
    /// goes back byte-exact in the expanded second turn (the mock verifies what it minted).
    @Test func aStreamedThinkingTurnContinuesWithItsEncryptedReasoning() async throws {
        try await withMockServer { port, _ in
            try await TestGateway.with(yaml: Self.yaml(port: port)) { gw in
                let body = #"""
                    {"model":"thinker","input":"Think first","stream":true,"reasoning":{"effort":"low","summary":"auto"},
                     "include":["reasoning.encrypted_content"]}
                    """#
                let (status, stream) = try await Self.send(gw, body)
                #expect(status == 200, "\(stream)")
                let final = try Self.completed(stream)
                let id = try #require(final["id"]?.stringValue)
                let reasoning = try #require(
                    final["output"]?.arrayValue?.first { $0["type"]?.stringValue == "reasoning" })
                #expect(reasoning["encrypted_content"]?.stringValue?.isEmpty == false)
                let (got, stored) = try await Self.call(gw, .GET, "/v1/responses/\(id)")
                #expect(got == 200 && stored?["output"] == final["output"])

                let next = #"""
                    {"model":"thinker","previous_response_id":"\#(id)","input":"Go on","stream":true,
                     "reasoning":{"effort":"low"},"include":["reasoning.encrypted_content"]}
                    """#
                let (status2, stream2) = try await Self.send(gw, next)
                #expect(status2 == 200, "\(stream2)")
                let second = try Self.completed(stream2)
                #expect(second["status"]?.stringValue == "completed")
                // The usage rows carry the streams' usage, reasoning tokens split out as the upstream reported them.
                let rows = try await gw.rows().filter { $0.clientProtocol == .responses }
                let reported = [final, second].map {
                    $0["usage"]?["output_tokens_details"]?["reasoning_tokens"]?.intValue
                }
                #expect(rows.count == 2 && reported.allSatisfy { ($0 ?? 0) > 0 })
                #expect(Set(rows.map(\.tokens.reasoning)) == Set(reported))
                #expect(
                    rows.allSatisfy { ($0.tokens.input ?? 0) > 0 && $0.passthrough && $0.targetProtocol == .responses })
            }
        }
    }
}
