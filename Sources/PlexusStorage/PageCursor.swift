import Foundation
import SQLiteNIO

/// The keyset position after the last item of a page: its time and its tie-breaker (request id or row id).
///
/// The time travels as the Double's bit pattern so the next page's `<` comparison is exact.
struct PageCursor: Equatable {
    var time: Double
    var tie: String

    /// base64url (no padding) of `bits:tie`; opaque to clients.
    var encoded: String {
        let raw = Data("\(time.bitPattern):\(tie)".utf8).base64EncodedString()
        return raw.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(time: Double, tie: String) {
        self.time = time
        self.tie = tie
    }

    /// The cursor after `row`, read from the stored columns (a trip through `Date` can move the Double by an ulp).
    init?(row: SQLiteRow, time: String, tie: String) {
        guard let t = row.column(time)?.double, let k = row.column(tie)?.string else { return nil }
        self.init(time: t, tie: k)
    }

    /// The next-page cursor of a query that fetched `limit + 1` rows: after the last kept row, if more followed.
    static func next(_ rows: [SQLiteRow], limit: Int, time: String, tie: String) -> String? {
        guard rows.count > limit else { return nil }
        return PageCursor(row: rows[limit - 1], time: time, tie: tie)?.encoded
    }

    init(encoded: String) throws(StorageQueryError) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":"), let bits = UInt64(text[..<colon])
        else { throw .invalidCursor }
        let time = Double(bitPattern: bits)
        guard time.isFinite else { throw .invalidCursor }
        self.init(time: time, tie: String(text[text.index(after: colon)...]))
    }
}

/// A WHERE clause built from optional filters, with its binds in placeholder order.
struct SQLFilter {
    private(set) var clauses: [String] = []
    private(set) var binds: [SQLiteData] = []

    /// `WHERE a AND b` or the empty string.
    var sql: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    mutating func add(_ clause: String, _ values: SQLiteData...) {
        clauses.append(clause)
        binds.append(contentsOf: values)
    }

    mutating func equal(_ column: String, _ value: String?) {
        if let value { add("\(column) = ?", .text(value)) }
    }

    mutating func equal(_ column: String, _ value: Bool?) {
        if let value { add("\(column) = ?", .integer(value ? 1 : 0)) }
    }

    /// `from` inclusive, `to` exclusive.
    mutating func range(_ column: String, from: Date?, to: Date?) {
        if let from { add("\(column) >= ?", .float(from.timeIntervalSince1970)) }
        if let to { add("\(column) < ?", .float(to.timeIntervalSince1970)) }
    }

    /// Rows strictly after the cursor in newest-first order; row values let SQLite walk the index.
    mutating func before(_ cursor: PageCursor?, time: String, tie: String, tieIsInteger: Bool = false)
        throws(StorageQueryError)
    {
        guard let cursor else { return }
        if tieIsInteger {
            guard let id = Int(cursor.tie) else { throw .invalidCursor }
            add("(\(time), \(tie)) < (?, ?)", .float(cursor.time), .integer(id))
        } else {
            add("(\(time), \(tie)) < (?, ?)", .float(cursor.time), .text(cursor.tie))
        }
    }
}
