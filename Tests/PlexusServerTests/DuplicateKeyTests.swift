import Foundation
import PlexusCore
import Testing

@testable import PlexusServer

/// Issue 18, point 4: a top-level key repeated in a request body is a 400 naming the key, in every protocol
/// (routing would read one occurrence and the upstream perhaps the other: another model than the one priced).
@Suite("Repeated top-level keys", .timeLimit(.minutes(2)))
struct DuplicateKeyTests {
    static let yaml = """
        providers:
          demo: { api_base_url: "mock://" }
        models:
          demo: { targets: [ { provider: demo, model: demo-fast } ] }
          other: { targets: [ { provider: demo, model: "mock:tokens=3" } ] }
        keys:
          test: { secret: "${TEST_KEY}" }
        """

    @Test(arguments: [
        (
            "/v1/chat/completions", #"{"model":"demo","messages":[{"role":"user","content":"x"}],"model":"other"}"#,
            "model"
        ),
        ("/v1/chat/completions", #"{"model":"demo","stream":false,"messages":[],"stream":true}"#, "stream"),
        (
            "/v1/messages",
            #"{"model":"demo","max_tokens":5,"max_tokens":9,"messages":[{"role":"user","content":"x"}]}"#,
            "max_tokens"
        ),
        ("/v1beta/models/demo:generateContent", #"{"contents":[{"parts":[{"text":"x"}]}],"contents":[]}"#, "contents"),
    ])
    func aRepeatedKeyIsA400NamingIt(path: String, body: String, key: String) async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let answer = try await gw.send(path, body: body)
            #expect(answer.status == 400, "\(answer.body)")
            #expect(answer.body.contains("repeats the top-level key '\(key)'"), "\(answer.body)")
            let rows = try await gw.rows(5)
            #expect(rows.first?.httpStatus == 400)
        }
    }

    @Test func theSameKeyInsideNestedObjectsIsFine() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let body =
                #"{"model":"demo","messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}"#
            let answer = try await gw.send("/v1/chat/completions", body: body)
            #expect(answer.status == 200)
        }
    }

    @Test func repeatedKeysAreFoundAnywhereInTheList() {
        func spans(_ keys: [String]) -> [(key: String, range: Range<Int>)] { keys.map { ($0, 0..<1) } }
        #expect(InboundRequest.repeatedKey(spans(["a", "b", "c"])) == nil)
        #expect(InboundRequest.repeatedKey(spans(["a", "b", "a"])) == "a")
        #expect(InboundRequest.repeatedKey(spans(["x", "b", "c", "c"])) == "c")
    }
}
