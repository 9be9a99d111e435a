import Foundation
import SQLiteNIO

extension SQLiteUsageStore {
    /// Reads SQLite's sums and samples rows and joins them with the shared `UsageSummary.assemble`.
    static func assemble(query: UsageSummaryQuery, sums: [SQLiteRow], samples: [SQLiteRow]) -> UsageSummary {
        let sumRows = sums.compactMap { row -> SummarySumsRow? in
            guard let index = row.column("b")?.integer else { return nil }
            return SummarySumsRow(index: Int(index), group: row.column("g")?.string, stats: stats(row: row))
        }
        let sampleRows = samples.compactMap { row -> SummarySample? in
            guard let index = row.column("b")?.integer else { return nil }
            return SummarySample(
                index: Int(index), group: row.column("g")?.string, ttftMs: row.column("ttft_ms")?.double,
                tokensPerSecond: row.column("output_tokens_per_second")?.double)
        }
        return UsageSummary.assemble(query: query, sums: sumRows, samples: sampleRows)
    }

    /// The SQL-summed columns of one bucket row; SUM over only NULLs is NULL, which keeps an unknown cost nil.
    private static func stats(row: SQLiteRow) -> SummaryStats {
        func int(_ name: String) -> Int { row.column(name)?.integer.map { Int($0) } ?? 0 }
        let cost = row.column("cost").flatMap { $0.isNull ? nil : $0.double }
        return SummaryStats(
            requests: int("requests"), errors: int("errors"), cancelled: int("cancelled"),
            tokens: TokenTotals(
                input: int("input"), cacheRead: int("cache_read"), cacheWrite: int("cache_write"),
                output: int("output"), reasoning: int("reasoning")),
            cost: cost)
    }
}
