import Foundation
import PlexusCore
import Testing

@testable import PlexusStorage

@Suite("Management API JSON of storage records")
struct StorageJSONTests {
    static func parsed(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

    @Test func usageRowHasTheDocumentedFields() throws {
        var row = StorageFixtures.row("req-1", at: "2026-11-25T12:00:00.25Z", ttft: 120.5, tps: 33)
        row.targetProtocol = .messages
        row.streamed = true
        row.stopReason = "end_turn"
        row.attribution = "alice"
        row.tokens = .init(input: 10, cacheRead: 2, output: 5)
        row.cost = .init(input: 0.001, cacheRead: 0.0001, output: 0.002, total: 0.0031)
        row.attempts = [
            .init(
                provider: "P", model: "A", api: "messages", status: nil, error: "connect timeout", durationMs: 30,
                passthrough: false),
            .init(
                provider: "P", model: "A", api: "messages", status: 200, error: nil, durationMs: 970,
                passthrough: true),
        ]
        let golden = try Self.parsed(
            """
            {"request_id": "req-1", "started_at": "2026-11-25T12:00:00.250Z", "key": "k1", "attribution": "alice",
             "alias": "alias",
             "provider": "P", "model": "A", "kind": "chat", "client_api": "chat", "target_api": "messages",
             "passthrough": false, "streamed": true, "status": "success", "http_status": 200,
             "tokens": {"input": 10, "cache_read": 2, "cache_write": null, "output": 5, "reasoning": null},
             "tokens_estimated": false,
             "cost": {"input": 0.001, "cache_read": 0.0001, "cache_write": 0, "output": 0.002, "reasoning": 0,
                      "total": 0.0031},
             "ttft_ms": 120.5, "duration_ms": 1000, "tokens_per_second": 33, "stop_reason": "end_turn", "error": null,
             "attempts": [
               {"provider": "P", "model": "A", "api": "messages", "status": null, "error": "connect timeout",
                "duration_ms": 30, "passthrough": false},
               {"provider": "P", "model": "A", "api": "messages", "status": 200, "error": null, "duration_ms": 970,
                "passthrough": true}],
             "has_trace": true}
            """)
        #expect(row.json(hasTrace: true) == golden)
        #expect(try Self.parsed(row.json().jsonString) == row.json())
    }

    @Test func unknownCostIsNullAndPagesCarryTraceMarks() throws {
        let page = UsagePage(
            items: [
                StorageFixtures.row("a", at: "2026-11-25T12:00:00Z"),
                StorageFixtures.row("b", at: "2026-11-25T11:00:00Z"),
            ], nextCursor: "abc")
        let json = page.json(traced: ["b"])
        #expect(json["next_cursor"] == "abc")
        #expect(json["items"]?.arrayValue?.map { $0["has_trace"] } == [false, true])
        #expect(json["items"]?.arrayValue?.first?["cost"] == .null)
        #expect(json["items"]?.arrayValue?.first?["attribution"] == .null, "no label: null, not left out")
        let empty = try Self.parsed(#"{"items":[],"next_cursor":null}"#)
        #expect(UsagePage(items: [], nextCursor: nil).json(traced: []) == empty)
    }

    @Test func traceSummaryAndErrorFields() throws {
        let trace = TraceRecord(
            requestID: "t", startedAt: StorageFixtures.date("2026-11-25T12:00:00Z"), keyName: "k",
            alias: "demo", provider: "p", status: .cancelled, body: "{}")
        #expect(
            trace.summary.json
                == (try Self.parsed(
                    """
                    {"request_id": "t", "started_at": "2026-11-25T12:00:00.000Z", "alias": "demo", "provider": "p",
                     "status": "cancelled"}
                    """)))
        let error = ErrorRecord(
            requestID: "e", at: StorageFixtures.date("2026-11-25T12:00:01.5Z"), provider: "p",
            model: nil, status: 529, message: "overloaded", excerpt: nil)
        #expect(
            error.json
                == (try Self.parsed(
                    """
                    {"request_id": "e", "at": "2026-11-25T12:00:01.500Z", "provider": "p", "model": null, "status": 529,
                     "message": "overloaded", "excerpt": null}
                    """)))
    }

    @Test func summaryDocument() throws {
        let stats = SummaryStats(
            requests: 2, errors: 1, cancelled: 0,
            tokens: .init(input: 10, cacheRead: 1, cacheWrite: 2, output: 3, reasoning: 4),
            cost: nil, ttftMs: .init(p50: 100, p95: 200), tokensPerSecond: .init())
        let summary = UsageSummary(
            bucket: .hour, groupBy: .model,
            buckets: [
                SummaryBucket(start: StorageFixtures.date("2026-11-25T12:00:00Z"), group: "A", stats: stats)
            ], totals: stats)
        let statsJSON = """
            "requests": 2, "errors": 1, "cancelled": 0,
            "tokens": {"input": 10, "cache_read": 1, "cache_write": 2, "output": 3, "reasoning": 4}, "cost": null,
            "ttft_ms": {"p50": 100, "p95": 200}, "tokens_per_second": {"p50": null, "p95": null}
            """
        #expect(
            summary.json
                == (try Self.parsed(
                    """
                    {"bucket": "hour",
                     "buckets": [{"start": "2026-11-25T12:00:00.000Z", "group": "A", \(statsJSON)}],
                     "totals": {\(statsJSON)}}
                    """)))
    }

    @Test(arguments: [
        ("2026-11-25T12:00:00.000Z", 1_795_608_000.0),
        ("2026-11-25T12:00:00Z", 1_795_608_000.0),
        ("2026-11-25T13:00:00+01:00", 1_795_608_000.0),
        ("1795608000", 1_795_608_000.0),
        ("1795608000.5", 1_795_608_000.5),
    ])
    func timesParseFromISOAndUnixSeconds(text: String, seconds: Double) {
        #expect(ISOTime.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test func timesPrintInUTCWithMilliseconds() {
        #expect(ISOTime.string(Date(timeIntervalSince1970: 1_795_608_000.5)) == "2026-11-25T12:00:00.500Z")
        #expect(ISOTime.parse("yesterday") == nil)
    }
}

@Suite("Attempts column")
struct AttemptsColumnTests {
    @Test(arguments: [
        [UsageRecord.Attempt](),
        [
            .init(
                provider: "P", model: "A", api: "chat", status: nil, error: "connect timeout", durationMs: 30.25,
                passthrough: false)
        ],
        [
            .init(
                provider: "P\"q", model: "m/1", api: "messages", status: 529, error: "over\nloaded", durationMs: 1,
                passthrough: true),
            .init(
                provider: "P", model: "A", api: "gemini", status: 200, error: nil, durationMs: 970.5, passthrough: true),
        ],
    ])
    func writtenAttemptsReadBackEqualAndAsFoundationWouldWriteThem(attempts: [UsageRecord.Attempt]) throws {
        let text = UsageRecord.encode(attempts)
        #expect(UsageRecord.decodeAttempts(text) == attempts)
        guard let text else {
            #expect(attempts.isEmpty)
            return
        }
        // Foundation orders keys by hash, so compare the documents as Foundation objects.
        let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSArray
        let foundation = try JSONSerialization.jsonObject(with: JSONEncoder().encode(attempts)) as? NSArray
        #expect(ours != nil && ours == foundation)
    }
}
