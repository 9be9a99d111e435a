import PlexusCore
import Yams

/// A scalar from the file after `${NAME}` expansion, with the type YAML gives it.
struct ScalarValue {
    /// What the scalar's text means.
    enum Kind: Equatable {
        case null
        case bool(Bool)
        case integer(Int)
        case float(Double)
        case string
    }

    /// The expanded text.
    var text: String
    /// The text as written.
    var raw: String
    var fromReference: Bool
    var kind: Kind
}

/// Walks a composed YAML tree: collects problems with key paths and lines, expands `${NAME}`, and records
/// where every path is in the file for later (semantic) problems.
final class ConfigDecoder {
    let environment: [String: String]
    /// Set while reading a provider with `enabled: false`: unset variables expand to "" without a problem.
    var allowsMissingVariables = false
    private(set) var problems: [ConfigProblem] = []
    private(set) var locations: [String: Mark] = [:]
    private(set) var references: [String: String] = [:]

    init(environment: [String: String]) {
        self.environment = environment
    }

    // MARK: Problems and locations

    func report(_ message: String, at path: String, node: Node? = nil) {
        let mark = node?.mark ?? locations[path] ?? nearestLocation(of: path)
        problems.append(ConfigProblem(path: path, line: mark?.line, column: mark?.column, message: message))
    }

    func record(_ path: String, mark: Mark?) {
        if let mark { locations[path] = mark }
    }

    /// The location of `path` or of its closest recorded ancestor.
    func nearestLocation(of path: String) -> Mark? {
        var current = Substring(path)
        while !current.isEmpty {
            if let mark = locations[String(current)] { return mark }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return nil
    }

    // MARK: Scalars

    /// The node as an expanded scalar; reports and returns `nil` for mappings and lists.
    func scalar(_ node: Node, at path: String, expected: String) -> ScalarValue? {
        guard case .scalar(let scalar) = node else {
            report("expected \(expected), got \(describe(node))", at: path, node: node)
            return nil
        }
        let isPlain = scalar.style == .plain || scalar.style == .any
        guard scalar.string.contains("${") else {
            let kind = isPlain ? Self.kind(of: node) : .string
            return ScalarValue(text: scalar.string, raw: scalar.string, fromReference: false, kind: kind)
        }
        let expansion = EnvironmentExpander.expand(scalar.string, environment: environment)
        if let malformed = expansion.malformed { report(malformed, at: path, node: node) }
        if !expansion.missing.isEmpty && !allowsMissingVariables {
            let names = expansion.missing.map { "${\($0)}" }.joined(separator: ", ")
            report("environment variable \(names) is not set and has no default", at: path, node: node)
        }
        if expansion.hadReference { references[path] = scalar.string }
        // An empty expansion is an empty string, not YAML's null.
        let kind = isPlain && !expansion.text.isEmpty ? Self.kind(of: Node(expansion.text)) : .string
        return ScalarValue(text: expansion.text, raw: scalar.string, fromReference: expansion.hadReference, kind: kind)
    }

    private static func kind(of node: Node) -> ScalarValue.Kind {
        guard case .scalar(let scalar) = node else { return .string }
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return .null
        case .bool: return Bool.construct(from: scalar).map(ScalarValue.Kind.bool) ?? .string
        case .int: return Int.construct(from: scalar).map(ScalarValue.Kind.integer) ?? .string
        case .float: return Double.construct(from: scalar).map(ScalarValue.Kind.float) ?? .string
        default: return .string
        }
    }

    /// A short description of a node for "expected X, got Y" messages; values from `${NAME}` are not shown.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.string.contains("${") { return "a value from an environment reference" }
            if (scalar.style == .plain || scalar.style == .any) && Self.kind(of: node) == .null { return "null" }
            let shown = scalar.string.count > 40 ? scalar.string.prefix(40) + "…" : Substring(scalar.string)
            return "\"\(shown)\""
        }
    }

    // MARK: Typed values

    /// Any non-null scalar as text.
    func string(_ node: Node, at path: String) -> String? {
        guard let value = scalar(node, at: path, expected: "a string") else { return nil }
        if value.kind == .null {
            report("expected a string, got null", at: path, node: node)
            return nil
        }
        return value.text
    }

    func integer(_ node: Node, at path: String) -> Int? {
        guard let value = scalar(node, at: path, expected: "an integer") else { return nil }
        switch value.kind {
        case .integer(let n): return n
        case .float(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        case .string where value.fromReference:
            if let n = Int(value.text.trimmingSpaces) { return n }
        default: break
        }
        report("expected an integer, got \(describe(node))", at: path, node: node)
        return nil
    }

    func number(_ node: Node, at path: String) -> Double? {
        guard let value = scalar(node, at: path, expected: "a number") else { return nil }
        var result: Double?
        switch value.kind {
        case .integer(let n): result = Double(n)
        case .float(let d): result = d
        case .string where value.fromReference: result = Double(value.text.trimmingSpaces)
        default: break
        }
        guard let result, result.isFinite else {
            report("expected a number, got \(describe(node))", at: path, node: node)
            return nil
        }
        return result
    }

    func bool(_ node: Node, at path: String) -> Bool? {
        guard let value = scalar(node, at: path, expected: "true or false") else { return nil }
        if case .bool(let b) = value.kind { return b }
        if value.fromReference, let b = Bool.construct(from: Node.Scalar(value.text.trimmingSpaces)) { return b }
        report("expected true or false, got \(describe(node))", at: path, node: node)
        return nil
    }

    /// A list's elements with their paths (`path[i]`); null is an empty list.
    func list(_ node: Node, at path: String) -> [(node: Node, path: String)]? {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { index, element in
                let elementPath = "\(path)[\(index)]"
                record(elementPath, mark: element.mark)
                return (element, elementPath)
            }
        case .scalar where isNull(node):
            return []
        default:
            report("expected a list, got \(describe(node))", at: path, node: node)
            return nil
        }
    }

    /// Whether the node is a plain YAML null (`~`, `null`, or nothing).
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return Self.kind(of: node) == .null
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
