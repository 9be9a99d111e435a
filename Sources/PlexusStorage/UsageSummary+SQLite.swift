import Foundation
import SQLiteNIO

extension SQLiteUsageStore {
    /// A bucket index (start / width) and a group value: the GROUP BY key of a summary.
    struct BucketKey: Hashable {
        var index: Int
        var group: String?

        init?(row: SQLiteRow) {
            guard let index = row.column("b")?.integer else { return nil }
            self.index = Int(index)
            group = row.column("g")?.string
        }
    }

    /// Joins the SQL sums with percentiles computed from the per-row samples, and totals everything.
    static func assemble(query: UsageSummaryQuery, sums: [SQLiteRow], samples: [SQLiteRow]) -> UsageSummary {
        var ttft: [BucketKey: [Double]] = [:]
        var tps: [BucketKey: [Double]] = [:]
        for row in samples {
            guard let key = BucketKey(row: row) else { continue }
            if let v = row.column("ttft_ms")?.double { ttft[key, default: []].append(v) }
            if let v = row.column("output_tokens_per_second")?.double { tps[key, default: []].append(v) }
        }
        let buckets = sums.compactMap { row -> SummaryBucket? in
            guard let key = BucketKey(row: row) else { return nil }
            var stats = stats(row: row)
            stats.ttftMs = Percentiles(of: ttft[key] ?? [])
            stats.tokensPerSecond = Percentiles(of: tps[key] ?? [])
            return SummaryBucket(start: Date(timeIntervalSince1970: Double(key.index) * query.bucket.seconds),
                                 group: key.group, stats: stats)
        }
        var totals = buckets.reduce(into: SummaryStats()) { total, bucket in
            total.requests += bucket.requests
            total.errors += bucket.errors
            total.cancelled += bucket.cancelled
            total.tokens = total.tokens + bucket.tokens
            if let cost = bucket.cost { total.cost = (total.cost ?? 0) + cost }
        }
        totals.ttftMs = Percentiles(of: ttft.values.flatMap { $0 })
        totals.tokensPerSecond = Percentiles(of: tps.values.flatMap { $0 })
        return UsageSummary(bucket: query.bucket, groupBy: query.groupBy, buckets: buckets, totals: totals)
    }

    /// The SQL-summed columns of one bucket row; SUM over only NULLs is NULL, which keeps an unknown cost nil.
    private static func stats(row: SQLiteRow) -> SummaryStats {
        func int(_ name: String) -> Int { row.column(name)?.integer.map { Int($0) } ?? 0 }
        let cost = row.column("cost").flatMap { $0.isNull ? nil : $0.double }
        return SummaryStats(
            requests: int("requests"), errors: int("errors"), cancelled: int("cancelled"),
            tokens: TokenTotals(input: int("input"), cacheRead: int("cache_read"), cacheWrite: int("cache_write"),
                                output: int("output"), reasoning: int("reasoning")),
            cost: cost)
    }
}
