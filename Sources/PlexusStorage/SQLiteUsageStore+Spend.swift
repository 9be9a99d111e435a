import Foundation
import SQLiteNIO

extension SQLiteUsageStore: SpendStore {
    public func spend(key: String, since: Date) async throws -> (usd: Double, unpriced: Int) {
        // `usage_key` (key_name, started_at) serves the range.
        let rows = try await connection.query(
            """
            SELECT COALESCE(SUM(cost_total), 0) AS usd,
                SUM(CASE WHEN cost_total IS NULL AND COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0) > 0
                    THEN 1 ELSE 0 END) AS unpriced
            FROM usage WHERE key_name = ? AND started_at >= ?
            """, [.text(key), .float(since.timeIntervalSince1970)])
        let row = rows.first
        return (row?.column("usd")?.double ?? 0, row?.column("unpriced")?.integer ?? 0)
    }
}
