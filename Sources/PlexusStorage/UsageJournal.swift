import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The usage rows not yet in the database, appended to a file as each request finishes (before its answer's last
/// byte is written), so that a `kill -9` loses none: the database writer batches every 250 ms, and the rows of
/// those 250 ms were lost before. Each flush starts a new file and deletes the files whose rows are stored; at
/// start the files left by a killed process are replayed (inserts replace, so a row stored twice is one row).
///
/// The append is one `write(2)` to the page cache: it survives the process, not the machine losing power.
public final class UsageJournal: Sendable {
    private struct State {
        var fd: Int32
        var generation: Int
        /// Files rotated out whose rows are not all stored yet.
        var unflushed: [String] = []
    }

    let directory: String
    private let state: Mutex<State>
    static let prefix = "usage.journal."

    /// Opens a fresh journal file in `directory` (after `recover` took what an earlier process left).
    public init(directory: String) throws {
        self.directory = directory
        let generation = (Self.files(in: directory).map(Self.generation).max() ?? 0) + 1
        let fd = try Self.open(directory, generation)
        state = Mutex(State(fd: fd, generation: generation))
    }

    /// Appends one row (a JSON line). Called in the order rows are queued for the database.
    public func append(_ line: [UInt8]) {
        let fd = state.withLock { $0.fd }
        var offset = 0
        line.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    /// One row as its journal line (`UsageRecord.journalLine`).
    public static func line(_ row: UsageRecord) -> [UInt8] { row.journalLine }

    /// Starts a new file; the rows appended so far are the batch being stored.
    public func rotate() {
        state.withLock { s in
            guard let fd = try? Self.open(directory, s.generation + 1) else { return }
            close(s.fd)
            s.unflushed.append(Self.path(directory, s.generation))
            s.generation += 1
            s.fd = fd
        }
    }

    /// Every row rotated out so far is stored: their files go.
    public func stored() {
        let done = state.withLock { s in
            defer { s.unflushed.removeAll() }
            return s.unflushed
        }
        for path in done { unlink(path) }
    }

    /// The rows an earlier process left (files of any generation), and the files they came from.
    public static func recover(directory: String) -> (rows: [UsageRecord], files: [String]) {
        let decoder = JSONDecoder()
        var rows: [UsageRecord] = []
        let ordered = files(in: directory).sorted { generation(of: $0) < generation(of: $1) }
        let paths = ordered.map { (directory as NSString).appendingPathComponent($0) }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            // A line cut short by the kill is skipped: its answer had not finished.
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let row = try? decoder.decode(UsageRecord.self, from: Data(line)) { rows.append(row) }
            }
        }
        return (rows, paths)
    }

    private static func generation(of file: String) -> Int { Int(file.dropFirst(prefix.count)) ?? 0 }

    private static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }
    }

    private static func path(_ directory: String, _ generation: Int) -> String {
        (directory as NSString).appendingPathComponent(prefix + String(generation))
    }

    private static func open(_ directory: String, _ generation: Int) throws -> Int32 {
        let fd = Glibc.open(path(directory, generation), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        return fd
    }

    deinit {
        _ = state.withLock { close($0.fd) }
    }
}
