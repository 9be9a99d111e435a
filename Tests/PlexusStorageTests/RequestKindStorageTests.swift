import Foundation
import PlexusCore
import Testing

@testable import PlexusStorage

/// Issue 20 item 1: an embeddings row says so (`kind`) and says when its tokens are the gateway's estimate, in both
/// backends and in the journal; rows from before the columns existed read as chat rows with real counts.
@Suite("Request kind in the usage log")
struct RequestKindStorageTests {
    static func embeddingsRow(_ id: String, estimated: Bool) -> UsageRecord {
        var row = StorageFixtures.row(id, at: "2026-11-25T12:00:00Z", tokens: .init(input: 12, output: 0))
        row.kind = .embeddings
        row.clientProtocol = .embeddings
        row.targetProtocol = .gemini
        row.tokensEstimated = estimated
        return row
    }

    @Test(arguments: StoreBackend.allCases)
    func kindAndEstimateRoundTrip(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            let rows = [
                Self.embeddingsRow("e1", estimated: true), Self.embeddingsRow("e2", estimated: false),
                StorageFixtures.row("c1", at: "2026-11-25T12:00:00Z"),
            ]
            try await store.insert(rows)
            for row in rows { #expect(try await store.record(id: row.requestID) == row) }
            #expect(try await store.record(id: "c1")?.kind == .chat)
        }
    }

    /// A journal line written before `kind`, `tokens_estimated` and `attribution` existed is still recovered.
    @Test func journalLinesWithoutTheNewFieldsAreChatRows() throws {
        let row = StorageFixtures.row("old", at: "2026-11-25T12:00:00Z", attribution: "alice")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(UsageJournal.line(row))) as? [String: Any])
        #expect(json.removeValue(forKey: "kind") as? String == "chat")
        #expect(json.removeValue(forKey: "tokensEstimated") as? Bool == false)
        #expect(json.removeValue(forKey: "attribution") as? String == "alice")
        let old = try JSONSerialization.data(withJSONObject: json)
        let decoded = try JSONDecoder().decode(UsageRecord.self, from: old)
        var unlabelled = row
        unlabelled.attribution = nil
        #expect(decoded == unlabelled)
        let embedded = Self.embeddingsRow("new", estimated: true)
        #expect(try JSONDecoder().decode(UsageRecord.self, from: Data(UsageJournal.line(embedded))) == embedded)
    }
}
