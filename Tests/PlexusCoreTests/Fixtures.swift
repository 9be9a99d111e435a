import Foundation
import PlexusCore
import Testing

/// One captured fixture file under `shared/fixtures/<protocol>/`.
struct Fixture: CustomTestStringConvertible, Sendable {
    let proto: APIProtocol
    let name: String
    let path: String

    var testDescription: String { "\(Fixtures.dirName(proto))/\(name)" }
    var bytes: [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
    var json: JSONValue { (try? JSONValue(parsing: bytes)) ?? .null }

    /// `error-404-...json` gives 404.
    var errorStatus: Int? {
        guard name.hasPrefix("error-") else { return nil }
        return Int(name.split(separator: "-")[1])
    }
}

/// Finds the fixture folder relative to this file and lists it, so a new capture is picked up automatically.
enum Fixtures {
    static func dirName(_ p: APIProtocol) -> String {
        switch p {
        case .chat: "openai"
        case .messages: "anthropic"
        case .gemini: "gemini"
        case .embeddings: "embeddings"
        case .responses: "responses"
        }
    }

    /// Walks up from this test file (through /work/main or a symlinked package) to a folder with `../shared/fixtures`.
    static let root: String = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("../shared/fixtures").standardizedFileURL.path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "/work/shared/fixtures"
    }()

    static func list(_ p: APIProtocol) -> [Fixture] {
        let dir = root + "/" + dirName(p)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.sorted().map { Fixture(proto: p, name: $0, path: dir + "/" + $0) }
    }

    static let all: [Fixture] = APIProtocol.generative.flatMap(list)

    static let requests = all.filter { $0.name.hasSuffix(".request.json") }
    static let errors = all.filter { $0.errorStatus != nil && !$0.name.hasSuffix(".request.json") }
    static let responses = all.filter {
        $0.name.hasSuffix(".json") && !$0.name.hasSuffix(".request.json") && $0.errorStatus == nil
    }
    static let streams = all.filter { $0.name.hasSuffix(".sse") }
}

/// A tiny seeded generator so random byte splits are reproducible.
struct FixtureRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// Cuts the bytes into random pieces of 1...maxPiece bytes.
    func randomSplits(seed: UInt64, maxPiece: Int = 64) -> [[UInt8]] {
        var rng = FixtureRNG(seed: seed)
        var out: [[UInt8]] = []
        var i = 0
        while i < count {
            let n = Int.random(in: 1...maxPiece, using: &rng)
            out.append(Array(self[i..<Swift.min(count, i + n)]))
            i += n
        }
        return out
    }
}

extension JSONValue {
    /// Array element, nil when out of range or not an array.
    func at(_ i: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(i) else { return nil }
        return a[i]
    }
}
