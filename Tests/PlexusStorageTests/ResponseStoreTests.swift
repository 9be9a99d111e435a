import Foundation
import Logging
import PlexusCore
import Testing

@testable import PlexusStorage

@Suite("Stored responses", .timeLimit(.minutes(2)))
struct ResponseStoreTests {
    static let day = 86_400.0

    /// A response created `days` days after the epoch (plus half a second: times with a fraction round-trip).
    static func response(
        _ id: String, days: Double = 20_000, key: String = "team-a", previous: String? = nil,
        conversation: String? = nil
    ) -> StoredResponse {
        StoredResponse(
            id: id, keyName: key, createdAt: Date(timeIntervalSince1970: days * day + 0.5), model: "gpt-alias",
            previousResponseID: previous, conversationID: conversation,
            input: #"[{"type":"message","role":"user","content":"hi \#(id)"}]"#,
            response: #"{"id":"\#(id)","object":"response","output":[{"type":"message","content":[]}]}"#,
            requestID: "req-\(id)")
    }

    /// About 1 MiB of JSON text with multi-byte characters and escapes, so nothing truncates or re-encodes it.
    static func largeJSON(_ seed: String) -> String {
        let piece = #"{"type":"input_text","text":"\#(seed) é ✓ 😀 \"quoted\" \\ line\nnext"},"#
        let count = (1 << 20) / piece.utf8.count + 1
        return "[" + String(repeating: piece, count: count) + #"{"end":true}]"#
    }

    @Test(arguments: StoreBackend.allCases)
    func insertReadReplaceAndDelete(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            let first = Self.response("resp_1")
            let second = Self.response("resp_2", previous: "resp_1", conversation: "resp_1")
            #expect(first.conversationID == "resp_1")
            try await store.insertResponse(first)
            try await store.insertResponse(second)
            #expect(try await store.storedResponse(id: "resp_1") == first)
            #expect(try await store.storedResponse(id: "resp_2") == second)
            #expect(try await store.storedResponse(id: "resp_unknown") == nil)

            // Same id again: one row, the new values.
            var replaced = second
            replaced.response = #"{"id":"resp_2","status":"completed"}"#
            replaced.keyName = "team-b"
            replaced.previousResponseID = nil
            try await store.insertResponse(replaced)
            #expect(try await store.storedResponse(id: "resp_2") == replaced)

            #expect(try await store.deleteResponse(id: "resp_2"))
            #expect(try await !store.deleteResponse(id: "resp_2"))
            #expect(try await !store.deleteResponse(id: "resp_unknown"))
            #expect(try await store.storedResponse(id: "resp_2") == nil)
            #expect(try await store.storedResponse(id: "resp_1") == first)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func largeJSONRoundTrips(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            var large = Self.response("resp_large")
            large.input = Self.largeJSON("input")
            large.response = Self.largeJSON("output")
            #expect(large.input.utf8.count > 1 << 20)
            try await store.insertResponse(large)
            #expect(try await store.storedResponse(id: "resp_large") == large)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func retentionDeletesOnlyOlderResponses(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            for days in [1.0, 5, 10, 20] {
                try await store.insertResponse(Self.response("resp_\(Int(days))", days: days))
            }
            // The cut is exclusive: a response created at the cut (day 5 + 0.5 s) stays.
            #expect(try await store.deleteResponses(before: Date(timeIntervalSince1970: 5 * Self.day + 0.5)) == 1)
            #expect(try await store.storedResponse(id: "resp_1") == nil)
            #expect(try await store.storedResponse(id: "resp_5") != nil)
            #expect(try await store.deleteResponses(before: Date(timeIntervalSince1970: 15 * Self.day)) == 2)
            #expect(try await store.deleteResponses(before: Date(timeIntervalSince1970: 15 * Self.day)) == 0)
            #expect(try await store.storedResponse(id: "resp_20") == Self.response("resp_20", days: 20))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func retentionServiceExpiresResponsesWithUsageRows(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insertResponse(Self.response("resp_old", days: 100))
            try await store.insertResponse(Self.response("resp_new", days: 109))
            let now = Date(timeIntervalSince1970: 110 * Self.day)
            // Usage rows are kept 7 days, traces 3: responses go by the usage days.
            let service = RetentionService(
                store: store, policy: { RetentionPolicy(usageDays: 7, traceDays: 3) },
                logger: Logger(label: "test"), now: { now })
            let deleted = try await service.runOnce()
            #expect(deleted == (0, 0, 0, 1))
            #expect(try await store.storedResponse(id: "resp_old") == nil)
            #expect(try await store.storedResponse(id: "resp_new") != nil)
        }
    }
}
