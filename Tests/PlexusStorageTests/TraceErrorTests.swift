import Foundation
import Logging
import PlexusCore
import Testing

@testable import PlexusStorage

@Suite("Traces, errors, retention and the batched writer", .timeLimit(.minutes(2)))
struct TraceErrorTests {
    static func trace(_ id: String, at seconds: Double, status: UsageRecord.Outcome = .success) -> TraceRecord {
        TraceRecord(
            requestID: id, startedAt: Date(timeIntervalSince1970: seconds), keyName: "k", alias: "demo",
            provider: "p", status: status, body: #"{"request_id":"\#(id)","client_request":{"body":{}}}"#)
    }

    static func error(_ id: String, at seconds: Double, status: Int? = 529) -> ErrorRecord {
        ErrorRecord(
            requestID: id, at: Date(timeIntervalSince1970: seconds), provider: "p", model: "m",
            status: status, message: "upstream \(status.map(String.init) ?? "none")", excerpt: "{\"error\":1}")
    }

    @Test(arguments: StoreBackend.allCases)
    func tracesInsertGetListAndMark(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            let traces = (0..<9).map { Self.trace("t\($0)", at: 1_000 + Double($0 / 2)) }
            try await store.insertTraces(traces)
            // Replacing by request id keeps one trace with the new body.
            var replaced = traces[4]
            replaced.body = #"{"replaced":true}"#
            replaced.status = .error
            try await store.insertTraces([replaced])

            #expect(try await store.trace(id: "t4") == replaced)
            #expect(try await store.trace(id: "missing") == nil)
            var ids: [String] = []
            var query = PageQuery(limit: 2)
            for _ in 0..<20 {
                let page = try await store.traces(query: query)
                ids += page.items.map(\.requestID)
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            #expect(ids == ["t8", "t7", "t6", "t5", "t4", "t3", "t2", "t1", "t0"])
            let ranged = try await store.traces(
                query: PageQuery(
                    from: Date(timeIntervalSince1970: 1_001),
                    to: Date(timeIntervalSince1970: 1_003)))
            #expect(ranged.items.map(\.requestID) == ["t5", "t4", "t3", "t2"])
            #expect(ranged.items[1] == replaced.summary)
            #expect(try await store.hasTrace(ids: ["t1", "nope", "t8", "t1"]) == ["t1", "t8"])
            #expect(try await store.hasTrace(ids: []).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func errorsListNewestFirstAcrossTies(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            // Two failed attempts of one request at the same instant, then later ones.
            let errors = [
                Self.error("a", at: 10), Self.error("a", at: 10, status: nil), Self.error("b", at: 11),
                Self.error("c", at: 12, status: 429), Self.error("d", at: 9),
            ]
            try await store.insertErrors(errors)
            var seen: [ErrorRecord] = []
            var query = PageQuery(limit: 2)
            for _ in 0..<20 {
                let page = try await store.errors(query: query)
                seen += page.items
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            #expect(seen == [errors[3], errors[2], errors[1], errors[0], errors[4]])
            let ranged = try await store.errors(
                query: PageQuery(
                    from: Date(timeIntervalSince1970: 10),
                    to: Date(timeIntervalSince1970: 12)))
            #expect(ranged.items == [errors[2], errors[1], errors[0]])
            #expect(ranged.nextCursor == nil)
            await #expect(throws: StorageQueryError.invalidCursor) {
                try await store.errors(query: PageQuery(cursor: PageCursor(time: 1, tie: "not-a-number").encoded))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func retentionDeletesOnlyOldRows(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            let day = 86_400.0
            try await store.insert(
                [1, 5, 10, 20].map { d in
                    StorageFixtures.row("u\(Int(d))", at: ISOTime.string(Date(timeIntervalSince1970: d * day)))
                })
            try await store.insertTraces([1, 5, 10, 20].map { Self.trace("t\(Int($0))", at: $0 * day) })
            try await store.insertErrors([1, 5, 10, 20].map { Self.error("e\(Int($0))", at: $0 * day) })

            let deleted = try await store.deleteOlder(
                usageBefore: Date(timeIntervalSince1970: 5 * day),
                tracesBefore: Date(timeIntervalSince1970: 15 * day))
            #expect(deleted.usage == 1)
            #expect(deleted.traces == 3)
            #expect(deleted.errors == 1)
            #expect(try await store.usage(query: UsageQuery()).items.map(\.requestID) == ["u20", "u10", "u5"])
            #expect(try await store.traces(query: PageQuery()).items.map(\.requestID) == ["t20"])
            #expect(try await store.errors(query: PageQuery()).items.map(\.requestID) == ["e20", "e10", "e5"])
            let again = try await store.deleteOlder(
                usageBefore: Date(timeIntervalSince1970: 5 * day),
                tracesBefore: Date(timeIntervalSince1970: 15 * day))
            #expect(again == (0, 0, 0))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func retentionServiceUsesTheCurrentPolicy(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert([
                StorageFixtures.row("old", at: "2026-11-01T00:00:00Z"),
                StorageFixtures.row("new", at: "2026-11-24T00:00:00Z"),
            ])
            try await store.insertTraces([
                Self.trace(
                    "old",
                    at: StorageFixtures.date("2026-11-20T00:00:00Z")
                        .timeIntervalSince1970),
                Self.trace(
                    "new",
                    at: StorageFixtures.date("2026-11-24T12:00:00Z")
                        .timeIntervalSince1970),
            ])
            let now = StorageFixtures.date("2026-11-25T00:00:00Z")
            let service = RetentionService(
                store: store, policy: { RetentionPolicy(usageDays: 7, traceDays: 3) },
                logger: Logger(label: "test"), now: { now })
            let deleted = try await service.runOnce()
            #expect(deleted == (1, 1, 0, 0))
            #expect(try await store.hasTrace(ids: ["old", "new"]) == ["new"])
            #expect(try await store.record(id: "old") == nil)
            #expect(try await store.record(id: "new") != nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func writerWritesRowsTracesAndErrorsInOneFlush(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            let writer = UsageWriter(store: store, logger: Logger(label: "test"), interval: .seconds(3600))
            writer.record(StorageFixtures.row("w1", at: "2026-11-25T12:00:00Z"))
            writer.trace(Self.trace("w1", at: 1_000))
            writer.error(Self.error("w1", at: 1_000))
            #expect(try await store.trace(id: "w1") == nil)
            await writer.flush()
            #expect(try await store.record(id: "w1") != nil)
            #expect(try await store.trace(id: "w1") == Self.trace("w1", at: 1_000))
            #expect(try await store.errors(query: PageQuery()).items == [Self.error("w1", at: 1_000)])
            // A second flush with nothing queued writes nothing twice.
            await writer.flush()
            #expect(try await store.errors(query: PageQuery()).items.count == 1)
        }
    }
}
