import Foundation
import Testing

@testable import PlexusFuzzChecks

/// Every input in `Fuzz/Corpus/<target>` (the seeds and what fuzzing found worth keeping, findings included) keeps
/// its target's properties.
@Suite("Fuzz corpora replayed")
struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: FuzzTarget) throws -> [(String, [UInt8])] {
        let folder = corpus.appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    @Test("corpus keeps its properties", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let inputs = try Self.inputs(target)
        #expect(inputs.count >= 5, "corpus of \(target.rawValue) has \(inputs.count) inputs")
        for (name, input) in inputs {
            let finding = target.check(input)
            #expect(finding == nil, "\(target.rawValue)/\(name): \(finding ?? "")")
        }
    }
}
