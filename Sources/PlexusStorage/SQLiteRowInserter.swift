import Foundation
import Synchronization
// sqlite-nio's C module (its vendored SQLite, the same library instance the store's connection uses, so file locks
// are shared correctly). sqlite-nio has no prepared-statement API: it prepares every query, and a multi-row
// INSERT is parsed row by row, which made the SQL parser most of a usage row's cost.
import VaporCSQLite

/// A second connection to the store's file that inserts usage rows through one prepared statement, kept for the
/// life of the store: per row only bind and step, all rows of a batch in one transaction.
///
/// Blocking: call it on the thread pool. The lock serialises batches (the writer sends one at a time anyway).
final class SQLiteRowInserter: Sendable {
    private struct Handles {
        var db: OpaquePointer?
        var insert: OpaquePointer?
    }

    private let handles: Mutex<Handles>

    /// Opens `path` (already created and migrated) and prepares `INSERT OR REPLACE INTO table (columns) VALUES (?…)`.
    init(path: String, table: String, columns: [String]) throws(SQLiteInsertError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        guard sqlite_nio_sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK else {
            defer { sqlite_nio_sqlite3_close(db) }
            throw SQLiteInsertError(message: Self.message(db))
        }
        sqlite_nio_sqlite3_busy_timeout(db, 5000)
        // Per connection, like the store's: in WAL mode, sync at checkpoints rather than at every commit.
        _ = sqlite_nio_sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nil, nil, nil)
        let sql =
            "INSERT OR REPLACE INTO \(table) (\(columns.joined(separator: ","))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var statement: OpaquePointer?
        guard
            sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK
        else {
            defer { sqlite_nio_sqlite3_close(db) }
            throw SQLiteInsertError(message: Self.message(db))
        }
        handles = Mutex(Handles(db: db, insert: statement))
    }

    /// Inserts every row in one transaction; `bind` sets the values of one row on the statement.
    func insert<Row>(_ rows: [Row], bind: (Row, SQLiteRowBinder) -> Void) throws(SQLiteInsertError) {
        try handles.withLock { (h: inout Handles) throws(SQLiteInsertError) in
            guard let db = h.db, let statement = h.insert else { throw SQLiteInsertError(message: "store closed") }
            try Self.execute(db, "BEGIN IMMEDIATE")
            for row in rows {
                bind(row, SQLiteRowBinder(statement: statement))
                let status = sqlite_nio_sqlite3_step(statement)
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
                guard status == SQLITE_DONE else {
                    let message = Self.message(db)
                    try? Self.execute(db, "ROLLBACK")
                    throw SQLiteInsertError(message: message)
                }
            }
            try Self.execute(db, "COMMIT")
        }
    }

    func close() {
        handles.withLock { h in
            sqlite_nio_sqlite3_finalize(h.insert)
            sqlite_nio_sqlite3_close(h.db)
            h = Handles(db: nil, insert: nil)
        }
    }

    private static func execute(_ db: OpaquePointer, _ sql: String) throws(SQLiteInsertError) {
        guard sqlite_nio_sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw SQLiteInsertError(message: message(db))
        }
    }

    private static func message(_ db: OpaquePointer?) -> String {
        sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "unknown SQLite error"
    }
}

/// A failed usage insert, with SQLite's message.
struct SQLiteInsertError: Error, CustomStringConvertible {
    let message: String
    var description: String { "SQLite insert: \(message)" }
}

/// Sets the parameters of one row on the prepared insert, by column position (0-based).
struct SQLiteRowBinder {
    fileprivate let statement: OpaquePointer
    private static let empty: StaticString = ""

    func text(_ index: Int32, _ value: String?) {
        guard var value else { return null(index) }
        value.withUTF8 { bytes in
            let start = UnsafeRawPointer(bytes.baseAddress ?? Self.empty.utf8Start).assumingMemoryBound(to: CChar.self)
            // SQLITE_TRANSIENT (-1): SQLite copies the bytes, which live only for this call.
            _ = sqlite_nio_sqlite3_bind_text64(
                statement, index + 1, start, UInt64(bytes.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self),
                UInt8(SQLITE_UTF8))
        }
    }

    func integer(_ index: Int32, _ value: Int?) {
        guard let value else { return null(index) }
        _ = sqlite_nio_sqlite3_bind_int64(statement, index + 1, Int64(value))
    }

    func double(_ index: Int32, _ value: Double?) {
        guard let value else { return null(index) }
        _ = sqlite_nio_sqlite3_bind_double(statement, index + 1, value)
    }

    func null(_ index: Int32) {
        _ = sqlite_nio_sqlite3_bind_null(statement, index + 1)
    }
}
