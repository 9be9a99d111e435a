import PlexusCore
import Yams

extension YAMLTree {
    /// The node as JSON: plain scalars typed by YAML's resolution (int, float, bool, null), every other scalar
    /// a string; timestamps stay strings, as the config reads them.
    var json: JSONValue {
        switch self {
        case .scalar(let text, let style):
            return style == .plain ? Self.plainJSON(text) : .string(text)
        case .sequence(let items):
            return .array(items.map(\.json))
        case .mapping(let entries):
            var object = JSONObject()
            for entry in entries { object[entry.key] = entry.value.json }
            return .object(object)
        }
    }

    private static func plainJSON(_ text: String) -> JSONValue {
        let scalar = Node.Scalar(text)
        switch resolvedTag(of: text) {
        case .null: return .null
        case .bool: return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(text)
        case .int:
            if let n = Int.construct(from: scalar) { return .number(Double(n)) }
            return .string(text)
        case .float:
            // `.inf` and `.nan` have no JSON form; the config reads them as text too.
            guard let d = Double.construct(from: scalar), d.isFinite else { return .string(text) }
            return .number(d)
        default: return .string(text)
        }
    }

    /// The node for a JSON value; strings YAML would read as another type are double-quoted.
    init(json: JSONValue) {
        switch json {
        case .null: self = .scalar("null", .plain)
        case .bool(let b): self = .scalar(b ? "true" : "false", .plain)
        case .number(let n): self = .scalar(Self.numberText(n), .plain)
        case .string(let s): self = .scalar(s, Self.style(forString: s))
        case .array(let items): self = .sequence(items.map(YAMLTree.init(json:)))
        case .object(let object): self = .mapping(object.pairs.map { YAMLEntry($0.key, YAMLTree(json: $0.value)) })
        }
    }

    /// Integers without a fraction; other numbers in Swift's shortest round-tripping form, which YAML's float
    /// rule accepts (`0.4`, `1e-05`, `1.5e+20`).
    static func numberText(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 9e15 { return String(Int(n)) }
        return n.isFinite ? "\(n)" : "null"
    }

    /// Plain when YAML reads the text back as the same string (timestamps included: the config reads those as
    /// text), double-quoted otherwise ("true", "007", "null", "", "1e3", "<<").
    static func style(forString text: String) -> ScalarStyle {
        switch resolvedTag(of: text) {
        case .str, .timestamp: .plain
        default: .doubleQuoted
        }
    }
}
