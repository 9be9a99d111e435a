import Foundation
import PlexusCore
import Testing

@testable import PlexusMock

/// Shared helpers: fixtures, body collection with timeouts, SSE parsing, JSON key shapes.
enum Support {
    struct Timeout: Error, CustomStringConvertible {
        var description: String { "timed out" }
    }

    /// Runs `body`, failing with `Timeout` after `seconds`.
    static func withTimeout<T: Sendable>(
        _ seconds: Double, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw Timeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// The fixtures folder: `shared/fixtures` beside the package root (works from main and mini packages).
    static var fixturesURL: URL {
        if let env = ProcessInfo.processInfo.environment["PLEXUS_FIXTURES"] { return URL(fileURLWithPath: env) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            root.appendingPathComponent("../shared/fixtures"), root.appendingPathComponent("shared/fixtures"),
            URL(fileURLWithPath: "/work/shared/fixtures"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }

    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixturesURL.appendingPathComponent(path)))
    }

    static func fixtureJSON(_ path: String) throws -> JSONValue { try JSONValue(parsing: try fixture(path)) }

    /// A fixture request body with its model replaced (and `stream` set when given).
    static func request(_ path: String, model: String, stream: Bool? = nil) throws -> [UInt8] {
        guard case .object(var o) = try fixtureJSON(path) else { throw Timeout() }
        if o["model"] != nil { o["model"] = .string(model) }
        if let stream { o["stream"] = .bool(stream) }
        return JSONValue.object(o).serialized()
    }

    /// All bytes of a body, with a timeout; a thrown error is returned alongside what came before it.
    static func collect(_ body: MockBody, timeout: Double = 10) async throws -> (bytes: [UInt8], error: (any Error)?) {
        switch body {
        case .bytes(let b):
            return (b, nil)
        case .stream(let stream):
            return try await withTimeout(timeout) {
                var out: [UInt8] = []
                do {
                    for try await chunk in stream { out += chunk }
                } catch {
                    return (out, error)
                }
                return (out, nil)
            }
        }
    }

    static func sse(_ bytes: [UInt8]) -> [SSEEvent] {
        var parser = SSEParser()
        return parser.feed(bytes) + parser.finish()
    }

    /// Every key path in a JSON value (`a.b[].c`), for shape comparison.
    static func keyPaths(_ value: JSONValue, prefix: String = "") -> Set<String> {
        switch value {
        case .object(let o):
            var out: Set<String> = []
            for (k, v) in o.pairs {
                let path = prefix.isEmpty ? k : prefix + "." + k
                out.insert(path)
                out.formUnion(keyPaths(v, prefix: path))
            }
            return out
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1, prefix: prefix + "[]")) }
        case .null, .bool, .number, .string:
            return []
        }
    }

    /// Key paths of `fixture` missing from `mock`, ignoring paths that contain an ignored key.
    static func missingKeys(mock: JSONValue, fixture: JSONValue, ignoring: Set<String> = []) -> [String] {
        let have = keyPaths(mock)
        return keyPaths(fixture).filter { path in
            !have.contains(path)
                && !path.split(separator: ".").contains {
                    ignoring.contains(String($0).replacingOccurrences(of: "[]", with: ""))
                }
        }.sorted()
    }

    /// Consecutive duplicates removed.
    static func collapsed(_ kinds: [String]) -> [String] {
        kinds.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
    }

    static func post(_ path: String, _ body: [UInt8], headers: [(String, String)] = []) -> MockRequest {
        MockRequest(method: "POST", path: path, headers: [("content-type", "application/json")] + headers, body: body)
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }
}
