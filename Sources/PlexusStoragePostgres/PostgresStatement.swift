import Foundation
import PlexusStorage
import PostgresNIO

/// A statement being built: binds in placeholder order (`$1`, `$2`, …) and the WHERE clauses of optional filters.
///
/// The PostgreSQL twin of the SQLite store's `SQLFilter`: same filters, same keyset rule, numbered placeholders.
struct PostgresStatement {
    private(set) var binds = PostgresBindings()
    private(set) var clauses: [String] = []

    /// `WHERE a AND b` or the empty string.
    var whereSQL: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    /// Appends a value and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Appends a value or NULL (the server infers the type from the column) and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func add(_ clause: String) {
        clauses.append(clause)
    }

    mutating func equal(_ column: String, _ value: String?) {
        if let value { add("\(column) = \(bind(value))") }
    }

    mutating func equal(_ column: String, _ value: Bool?) {
        if let value { add("\(column) = \(bind(value))") }
    }

    /// `from` inclusive, `to` exclusive.
    mutating func range(_ column: String, from: Date?, to: Date?) {
        if let from { add("\(column) >= \(bind(from.timeIntervalSince1970))") }
        if let to { add("\(column) < \(bind(to.timeIntervalSince1970))") }
    }

    /// Rows strictly after the cursor in newest-first order; the row comparison walks the (time, tie) index.
    mutating func before(_ cursor: String?, time: String, tie: String, tieIsInteger: Bool = false) throws {
        guard let position = try StorageSupport.position(cursor) else { return }
        if tieIsInteger {
            guard let id = Int(position.tie) else { throw StorageQueryError.invalidCursor }
            add("(\(time), \(tie)) < (\(bind(position.time)), \(bind(id)))")
        } else {
            add("(\(time), \(tie)) < (\(bind(position.time)), \(bind(position.tie)))")
        }
    }

    /// The finished query: `sql` with the binds made so far.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// `INSERT INTO table (cols) VALUES ($1,…),($n,…)` for `rows` rows, binds starting at `$1`.
    static func insertSQL(table: String, columns: [String], rows: Int) -> String {
        var next = 0
        let tuples = (0..<rows).map { _ in
            "("
                + columns.map { _ in
                    next += 1
                    return "$\(next)"
                }.joined(separator: ",") + ")"
        }
        return "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES " + tuples.joined(separator: ",")
    }

    /// `ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c, …`: the PostgreSQL spelling of SQLite's INSERT OR REPLACE.
    static func replaceClause(key: String, columns: [String]) -> String {
        " ON CONFLICT (\(key)) DO UPDATE SET "
            + columns.filter { $0 != key }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
    }
}

/// Typed, forgiving reads of one result row by column name (a missing or mistyped column reads as nil).
struct PostgresColumns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func text(_ name: String) -> String? { decode(name, String.self) }
    func double(_ name: String) -> Double? { decode(name, Double.self) }
    func int(_ name: String) -> Int? { decode(name, Int.self) }
    func bool(_ name: String) -> Bool? { decode(name, Bool.self) }

    private func decode<T: PostgresDecodable>(_ name: String, _ type: T.Type) -> T? {
        guard row.contains(name) else { return nil }
        let cell = row[name]
        guard cell.bytes != nil else { return nil }
        return try? cell.decode(T.self)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }

    /// The elements with duplicate keys removed, keeping the last of each (INSERT OR REPLACE order) in place.
    func keepingLast(by key: (Element) -> String) -> [Element] {
        var seen = Set<String>()
        return reversed().filter { seen.insert(key($0)).inserted }.reversed()
    }
}
