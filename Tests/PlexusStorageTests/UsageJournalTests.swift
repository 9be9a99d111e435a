import Foundation
import Testing
@testable import PlexusStorage

/// Issue 18, point 3: rows appended to the journal come back at start until a flush stored them; a line cut short
/// by a kill is skipped.
@Suite("Usage journal")
struct UsageJournalTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func rowsComeBackUntilStoredAndACutLineIsSkipped() throws {
        let dir = try Self.folder()
        let rows = Array(StorageFixtures.varied.prefix(5))
        do {
            let journal = try UsageJournal(directory: dir)
            for row in rows.prefix(3) { journal.append(UsageJournal.line(row)) }
            journal.rotate()  // a flush takes the first three
            for row in rows.suffix(2) { journal.append(UsageJournal.line(row)) }
            journal.append(Array(UsageJournal.line(rows[0]).prefix(40)))  // the kill cut this one short
            // Killed before the flush stored anything: all five come back, in order.
            #expect(UsageJournal.recover(directory: dir).rows == rows)
            journal.stored()  // the first three are in the database now
        }
        let left = UsageJournal.recover(directory: dir)
        #expect(left.rows == Array(rows.suffix(2)))
        #expect(left.files.count == 1)
        let next = try UsageJournal(directory: dir)  // a new process starts a later file
        next.append(UsageJournal.line(rows[0]))
        #expect(UsageJournal.recover(directory: dir).rows.count == 3)
    }
}
