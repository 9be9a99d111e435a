import AsyncHTTPClient
import Foundation
import NIOCore
import PlexusCore
import PlexusStorage
import Testing

@testable import PlexusServer

/// One client token, where it is sent, and what the gateway must make of it.
struct AttributionCase: Sendable, CustomTestStringConvertible {
    enum Place: String, Sendable {
        case bearer, xAPIKey, xGoogAPIKey, query
    }

    var token: String
    var place: Place = .bearer
    var status: Int
    /// The key name and attribution the usage row must carry.
    var key: String?
    var attribution: String?
    var testDescription: String { "\(place.rawValue) \(token.prefix(40))" }
}

/// `SECRET:label` tokens (CONFIG.md "Keys"): the label lands on the usage row as `attribution`, the usage API filters
/// and groups by it, and a connection's key memo hands it back on the next request.
@Suite("Per-user attribution", .serialized, .timeLimit(.minutes(3)))
struct AttributionTests {
    static let yaml = managementYAML("  colon: { secret: \"sk:colon\" }\n")

    static let cases: [AttributionCase] = [
        .init(token: "sk-test-key:alice", status: 200, key: "tester", attribution: "alice"),
        .init(token: "sk-test-key:alice", place: .xAPIKey, status: 200, key: "tester", attribution: "alice"),
        .init(token: "sk-test-key:bob", place: .xGoogAPIKey, status: 200, key: "tester", attribution: "bob"),
        .init(token: "sk-test-key:carol", place: .query, status: 200, key: "tester", attribution: "carol"),
        .init(token: "sk-test-key:team:a é", status: 200, key: "tester", attribution: "team:a é"),
        .init(token: "sk-test-key:", status: 200, key: "tester"),
        .init(token: "sk-test-key", status: 200, key: "tester"),
        // The whole token first: this key's secret holds a colon.
        .init(token: "sk:colon", status: 200, key: "colon"),
        .init(token: "sk:colon:bob", status: 401),
        .init(token: "sk-unknown:alice", status: 401),
        .init(token: ":alice", status: 401),
        .init(token: "sk-test-key:" + String(repeating: "a", count: 201), status: 400),
        .init(token: "sk-test-key:a\tb", status: 400),
    ]

    @Test func tokensAuthenticateAndLabelTheRow() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            for c in Self.cases {
                let (status, answered) = try await gw.call(c.token, place: c.place)
                #expect(status == c.status, "\(c.testDescription)")
                let id = try #require(answered)
                let row = try await gw.admin(.GET, "/v0/management/usage/\(id)").json
                #expect(row["key"]?.stringValue == c.key, "\(c.testDescription)")
                #expect(row["attribution"] == c.attribution.map(JSONValue.string) ?? .null, "\(c.testDescription)")
            }
            let answers = try await gw.admin(.GET, "/v0/management/usage?limit=500").body
            #expect(!answers.contains("sk-test-key"), "the secret part is never stored")
        }
    }

    /// The memo compares the whole token, label included: the same token is served from it with its label, and
    /// another label on the same connection is looked up again rather than served the old one.
    @Test func theConnectionMemoKeepsEachTokensLabel() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            let labels = ["alice", "alice", "bob", "bob", "alice"]
            try await RawHTTPConnection.open(port: gw.port) { connection in
                for label in labels {
                    try await connection.post(
                        "/v1/chat/completions", json: Self.chatBody,
                        key: "\(TestGateway.key):\(label)")
                    #expect(try await connection.reply().status == 200)
                }
            }
            let rows = try await gw.rowsWhenWritten(labels.count)
            #expect(rows.reversed().map(\.attribution) == labels)
        }
    }

    @Test func theUsageAPIFiltersAndGroupsByAttribution() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            for label in ["alice", "bob", "alice", nil] {
                let token = label.map { "\(TestGateway.key):\($0)" } ?? TestGateway.key
                #expect(try await gw.call(token, place: .bearer).status == 200)
            }
            _ = try await gw.rowsWhenWritten(4)
            let alice = try await gw.admin(.GET, "/v0/management/usage?attribution=alice").json["items"]?.arrayValue
            #expect(alice?.count == 2)
            #expect(alice?.allSatisfy { $0["attribution"]?.stringValue == "alice" } == true)
            let nobody = try await gw.admin(.GET, "/v0/management/usage?attribution=mallory").json["items"]?.arrayValue
            #expect(nobody?.isEmpty == true)
            let summary = try await gw.admin(.GET, "/v0/management/usage/summary?bucket=day&group_by=attribution").json
            let buckets = summary["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["group"]?.stringValue } == [nil, "alice", "bob"])
            #expect(buckets.map { $0["requests"]?.intValue } == [1, 2, 1])
            let bad = try await gw.admin(.GET, "/v0/management/usage/summary?group_by=user")
            #expect(bad.status == 400 && bad.body.contains("attribution"))
        }
    }

    /// Model listing and token counting take a labelled token too (they write no row).
    @Test func otherClientRoutesAcceptALabelledToken() async throws {
        try await TestGateway.with(yaml: Self.yaml) { gw in
            for (token, status) in [("\(TestGateway.key):alice", 200), ("sk-unknown:alice", 401)] {
                var request = HTTPClientRequest(url: gw.base + "/v1/models")
                request.headers.add(name: "authorization", value: "Bearer \(token)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(response.status.code == status, "\(token)")
            }
        }
    }

    @Test func theInFlightEntryCarriesTheAttribution() {
        var record = RequestRecord(id: "r", clientProtocol: .chat)
        #expect(record.inFlightEntry.json["attribution"] == .null)
        record.row.attribution = "alice"
        #expect(record.inFlightEntry.json["attribution"]?.stringValue == "alice")
    }

    static let chatBody = #"{"model":"demo","messages":[{"role":"user","content":"hi"}]}"#
}

extension TestGateway {
    /// Sends one request for the `demo` alias with `token` in `place`: status and the request id.
    func call(_ token: String, place: AttributionCase.Place) async throws -> (status: Int, id: String?) {
        let gemini = #"{"contents":[{"parts":[{"text":"hi"}]}]}"#
        let messages = #"{"model":"demo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
        let (path, body, header): (String, String, (String, String)?) =
            switch place {
            case .bearer: ("/v1/chat/completions", AttributionTests.chatBody, ("authorization", "Bearer \(token)"))
            case .xAPIKey: ("/v1/messages", messages, ("x-api-key", token))
            case .xGoogAPIKey: ("/v1beta/models/demo:generateContent", gemini, ("x-goog-api-key", token))
            case .query: ("/v1beta/models/demo:generateContent?key=\(token)", gemini, nil)
            }
        let response = try await HTTPClient.shared.post(
            base + path, json: body, headers: [("anthropic-version", "2023-06-01")] + (header.map { [$0] } ?? []))
        _ = try await response.text()
        return (Int(response.status.code), response.headers.first(name: "x-request-id"))
    }
}
