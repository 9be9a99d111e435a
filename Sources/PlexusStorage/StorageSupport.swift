import Foundation

/// What every storage backend shares with the SQLite one, so their lists, cursors and summaries agree exactly.
///
/// `package` visibility: other backends in this package (PlexusStoragePostgres) use it; clients of the store don't.
package enum StorageSupport {
    /// The usage table's columns, in bind order.
    package static var usageColumns: [String] { SQLiteUsageStore.columns }
    /// The traces table's columns, in bind order.
    package static var traceColumns: [String] { SQLiteUsageStore.traceColumns }
    /// The errors table's columns (without the row id), in bind order.
    package static var errorColumns: [String] { SQLiteUsageStore.errorColumns }
    /// The responses table's columns, in bind order.
    package static var responseColumns: [String] { SQLiteUsageStore.responseColumns }

    /// A page size clamped to 1...500.
    package static func clampLimit(_ limit: Int) -> Int { PageLimit.clamp(limit) }

    /// The opaque cursor after an item at `time` with tie-breaker `tie`.
    package static func cursor(time: Double, tie: String) -> String { PageCursor(time: time, tie: tie).encoded }

    /// The keyset position a cursor names, nil for none; throws `.invalidCursor` for one this store did not make.
    package static func position(_ cursor: String?) throws(StorageQueryError) -> (time: Double, tie: String)? {
        guard let cursor else { return nil }
        let decoded = try PageCursor(encoded: cursor)
        return (decoded.time, decoded.tie)
    }

    /// The usage column a summary groups by (`NULL` without grouping); never user text.
    package static func groupColumn(_ groupBy: UsageSummaryQuery.GroupBy) -> String {
        SQLiteUsageStore.groupColumn(groupBy)
    }

    /// The `attempts` column text (JSON array), nil when there were none.
    package static func encodeAttempts(_ attempts: [UsageRecord.Attempt]) -> String? {
        UsageRecord.encode(attempts)
    }

    /// The attempts read back from the `attempts` column.
    package static func decodeAttempts(_ text: String?) -> [UsageRecord.Attempt] {
        UsageRecord.decodeAttempts(text)
    }
}

/// One row of a summary's sums query: a bucket index (start / width), a group value and the SQL sums.
package struct SummarySumsRow: Sendable {
    package var index: Int
    package var group: String?
    package var stats: SummaryStats

    package init(index: Int, group: String?, stats: SummaryStats) {
        self.index = index
        self.group = group
        self.stats = stats
    }
}

/// One timed usage row of a summary's samples query.
package struct SummarySample: Sendable {
    package var index: Int
    package var group: String?
    package var ttftMs: Double?
    package var tokensPerSecond: Double?

    package init(index: Int, group: String?, ttftMs: Double?, tokensPerSecond: Double?) {
        self.index = index
        self.group = group
        self.ttftMs = ttftMs
        self.tokensPerSecond = tokensPerSecond
    }
}

extension UsageSummary {
    /// Joins a backend's sums (already in bucket, group order) with percentiles of its samples, and totals them;
    /// the same steps as the SQLite store's assembly.
    package static func assemble(
        query: UsageSummaryQuery, sums: [SummarySumsRow],
        samples: [SummarySample]
    ) -> UsageSummary {
        struct Key: Hashable {
            var index: Int
            var group: String?
        }
        var ttft: [Key: [Double]] = [:]
        var tps: [Key: [Double]] = [:]
        for sample in samples {
            let key = Key(index: sample.index, group: sample.group)
            if let v = sample.ttftMs { ttft[key, default: []].append(v) }
            if let v = sample.tokensPerSecond { tps[key, default: []].append(v) }
        }
        let buckets = sums.map { row in
            let key = Key(index: row.index, group: row.group)
            var stats = row.stats
            stats.ttftMs = Percentiles(of: ttft[key] ?? [])
            stats.tokensPerSecond = Percentiles(of: tps[key] ?? [])
            return SummaryBucket(
                start: Date(timeIntervalSince1970: Double(row.index) * query.bucket.seconds),
                group: row.group, stats: stats)
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
}
