import Foundation
import PlexusCore
import Testing

@testable import PlexusStorage

/// A hand-computed bucket: start, group, counts, tokens [input, cache read, cache write, output, reasoning], cost.
struct ExpectedBucket: Sendable, Equatable, CustomStringConvertible {
    var start: String
    var group: String?
    var requests: Int
    var errors = 0
    var cancelled = 0
    var tokens: [Int]
    var cost: Double?

    var description: String {
        "\(start) \(group ?? "-") n=\(requests) err=\(errors) cxl=\(cancelled) tok=\(tokens) cost=\(cost.map { "\($0)" } ?? "nil")"
    }

    init(
        _ start: String, _ group: String?, requests: Int, errors: Int = 0, cancelled: Int = 0, tokens: [Int],
        cost: Double?
    ) {
        self.start = start
        self.group = group
        self.requests = requests
        self.errors = errors
        self.cancelled = cancelled
        self.tokens = tokens
        self.cost = cost
    }

    init(_ bucket: SummaryBucket) {
        let t = bucket.tokens
        self.init(
            ISOTime.string(bucket.start), bucket.group, requests: bucket.requests, errors: bucket.errors,
            cancelled: bucket.cancelled, tokens: [t.input, t.cacheRead, t.cacheWrite, t.output, t.reasoning],
            cost: bucket.cost.map { ($0 * 1e9).rounded() / 1e9 })
    }
}

/// One summary query and its hand-computed buckets.
struct SummaryCase: Sendable, CustomTestStringConvertible {
    var query: UsageSummaryQuery
    var buckets: [ExpectedBucket]
    var testDescription: String { "\(query.bucket.rawValue) by \(query.groupBy.rawValue)" }
}

@Suite("Usage summary buckets", .timeLimit(.minutes(2)))
struct UsageSummaryTests {
    /// Six rows over two hours of one day and one hour of the next; costs unknown on r2, r4 and r6; r4 and r6
    /// carry no attribution.
    static let rows: [UsageRecord] = [
        StorageFixtures.row(
            "r1", at: "2026-11-25T12:05:00.000Z", model: "A", provider: "P", key: "k1",
            tokens: .init(input: 100, cacheRead: 10, cacheWrite: 5, output: 50, reasoning: 7),
            cost: 0.5, ttft: 100, tps: 20, attribution: "alice"),
        StorageFixtures.row(
            "r2", at: "2026-11-25T12:30:00.000Z", model: "A", provider: "P", key: "k2",
            outcome: .error, tokens: .init(input: 40), attribution: "bob"),
        StorageFixtures.row(
            "r3", at: "2026-11-25T12:59:59.999Z", model: "B", provider: "Q", key: "k1",
            tokens: .init(input: 200, output: 80), cost: 1.25, ttft: 300, tps: 40,
            attribution: "alice"),
        StorageFixtures.row(
            "r4", at: "2026-11-25T13:00:00.000Z", model: "A", provider: "P", key: "k1",
            outcome: .cancelled, tokens: .init(input: 10, output: 5), ttft: 50, tps: 10),
        StorageFixtures.row(
            "r5", at: "2026-11-25T13:10:00.000Z", model: "B", provider: "Q", key: "k2",
            tokens: .init(input: 20, output: 30, reasoning: 3), cost: 0.25, ttft: 200, tps: 30,
            attribution: "bob"),
        StorageFixtures.row(
            "r6", at: "2026-11-26T01:00:00.000Z", model: "A", provider: "Q", key: "k1",
            tokens: .init(input: 1, output: 2), ttft: 400, tps: 50),
    ]

    static let h12 = "2026-11-25T12:00:00.000Z", h13 = "2026-11-25T13:00:00.000Z", h25 = "2026-11-26T01:00:00.000Z"
    static let d25 = "2026-11-25T00:00:00.000Z", d26 = "2026-11-26T00:00:00.000Z"

    static let cases: [SummaryCase] = [
        SummaryCase(
            query: .init(bucket: .hour, groupBy: .none),
            buckets: [
                .init(h12, nil, requests: 3, errors: 1, tokens: [340, 10, 5, 130, 7], cost: 1.75),
                .init(h13, nil, requests: 2, cancelled: 1, tokens: [30, 0, 0, 35, 3], cost: 0.25),
                .init(h25, nil, requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        SummaryCase(
            query: .init(bucket: .day, groupBy: .none),
            buckets: [
                .init(d25, nil, requests: 5, errors: 1, cancelled: 1, tokens: [370, 10, 5, 165, 10], cost: 2.0),
                .init(d26, nil, requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        SummaryCase(
            query: .init(bucket: .hour, groupBy: .model),
            buckets: [
                .init(h12, "A", requests: 2, errors: 1, tokens: [140, 10, 5, 50, 7], cost: 0.5),
                .init(h12, "B", requests: 1, tokens: [200, 0, 0, 80, 0], cost: 1.25),
                .init(h13, "A", requests: 1, cancelled: 1, tokens: [10, 0, 0, 5, 0], cost: nil),
                .init(h13, "B", requests: 1, tokens: [20, 0, 0, 30, 3], cost: 0.25),
                .init(h25, "A", requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        SummaryCase(
            query: .init(bucket: .day, groupBy: .provider),
            buckets: [
                .init(d25, "P", requests: 3, errors: 1, cancelled: 1, tokens: [150, 10, 5, 55, 7], cost: 0.5),
                .init(d25, "Q", requests: 2, tokens: [220, 0, 0, 110, 3], cost: 1.5),
                .init(d26, "Q", requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        SummaryCase(
            query: .init(bucket: .hour, groupBy: .key),
            buckets: [
                .init(h12, "k1", requests: 2, tokens: [300, 10, 5, 130, 7], cost: 1.75),
                .init(h12, "k2", requests: 1, errors: 1, tokens: [40, 0, 0, 0, 0], cost: nil),
                .init(h13, "k1", requests: 1, cancelled: 1, tokens: [10, 0, 0, 5, 0], cost: nil),
                .init(h13, "k2", requests: 1, tokens: [20, 0, 0, 30, 3], cost: 0.25),
                .init(h25, "k1", requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        SummaryCase(
            query: .init(bucket: .day, groupBy: .key),
            buckets: [
                .init(d25, "k1", requests: 3, cancelled: 1, tokens: [310, 10, 5, 135, 7], cost: 1.75),
                .init(d25, "k2", requests: 2, errors: 1, tokens: [60, 0, 0, 30, 3], cost: 0.25),
                .init(d26, "k1", requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        // Rows without a label make the nil group, which sorts first.
        SummaryCase(
            query: .init(bucket: .day, groupBy: .attribution),
            buckets: [
                .init(d25, nil, requests: 1, cancelled: 1, tokens: [10, 0, 0, 5, 0], cost: nil),
                .init(d25, "alice", requests: 2, tokens: [300, 10, 5, 130, 7], cost: 1.75),
                .init(d25, "bob", requests: 2, errors: 1, tokens: [60, 0, 0, 30, 3], cost: 0.25),
                .init(d26, nil, requests: 1, tokens: [1, 0, 0, 2, 0], cost: nil),
            ]),
        // The range is [from, to): r4 at exactly 13:00 is out.
        SummaryCase(
            query: .init(from: StorageFixtures.date(h12), to: StorageFixtures.date(h13), bucket: .minute),
            buckets: [
                .init("2026-11-25T12:05:00.000Z", nil, requests: 1, tokens: [100, 10, 5, 50, 7], cost: 0.5),
                .init("2026-11-25T12:30:00.000Z", nil, requests: 1, errors: 1, tokens: [40, 0, 0, 0, 0], cost: nil),
                .init("2026-11-25T12:59:00.000Z", nil, requests: 1, tokens: [200, 0, 0, 80, 0], cost: 1.25),
            ]),
    ]

    @Test(arguments: StoreBackend.allCases, cases)
    func bucketsMatchHandComputedSums(backend: StoreBackend, _ summaryCase: SummaryCase) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert(Self.rows)
            let summary = try await store.summary(query: summaryCase.query)
            #expect(summary.buckets.map(ExpectedBucket.init) == summaryCase.buckets)
            #expect(summary.totals.requests == summaryCase.buckets.map(\.requests).reduce(0, +))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func percentilesAndTotalsPerBucket(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert(Self.rows)
            let hourly = try await store.summary(query: .init(bucket: .hour))
            #expect(
                hourly.buckets.map(\.ttftMs) == [
                    .init(p50: 100, p95: 300), .init(p50: 50, p95: 200),
                    .init(p50: 400, p95: 400),
                ])
            #expect(
                hourly.buckets.map(\.tokensPerSecond) == [
                    .init(p50: 20, p95: 40), .init(p50: 10, p95: 30),
                    .init(p50: 50, p95: 50),
                ])
            // Totals: ttft [50,100,200,300,400] and tps [10,20,30,40,50] by nearest rank.
            #expect(
                hourly.totals
                    == SummaryStats(
                        requests: 6, errors: 1, cancelled: 1,
                        tokens: .init(input: 371, cacheRead: 10, cacheWrite: 5, output: 167, reasoning: 10), cost: 2.0,
                        ttftMs: .init(p50: 200, p95: 400), tokensPerSecond: .init(p50: 30, p95: 50)))
            let daily = try await store.summary(query: .init(bucket: .day))
            #expect(daily.buckets.map(\.ttftMs) == [.init(p50: 100, p95: 300), .init(p50: 400, p95: 400)])
            #expect(daily.buckets.map(\.tokensPerSecond) == [.init(p50: 20, p95: 40), .init(p50: 50, p95: 50)])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func emptyRangeHasNoBucketsAndUnknownCost(backend: StoreBackend) async throws {
        try await StorageFixtures.withStore(backend) { store async throws in
            try await store.insert(Self.rows)
            let summary = try await store.summary(query: .init(from: StorageFixtures.date("2030-01-01T00:00:00Z")))
            #expect(summary.buckets.isEmpty)
            #expect(summary.totals == SummaryStats())
            #expect(summary.totals.cost == nil)
        }
    }

    @Test(
        arguments: [
            ([Double](), nil, nil),
            ([7], 7, 7),
            ([3, 1, 2], 2, 3),
            ((1...20).map(Double.init), 10, 19),
            ((1...100).map(Double.init).reversed(), 50, 95),
        ] as [([Double], Double?, Double?)])
    func nearestRankPercentiles(values: [Double], p50: Double?, p95: Double?) {
        #expect(Percentiles(of: values) == Percentiles(p50: p50, p95: p95))
    }
}
