import PlexusCore
import Yams

extension ConfigDecoder {
    /// Converts any YAML node to JSON (for `extra_body`), expanding `${NAME}` in strings.
    func json(_ node: Node, at path: String) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var object = JSONObject()
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                record("\(path).\(key)", mark: keyNode.mark)
                object[key] = json(value, at: "\(path).\(key)")
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { json($1, at: "\(path)[\($0)]") })
        case .alias:
            report("unsupported YAML alias", at: path, node: node)
            return .null
        case .scalar:
            guard let value = scalar(node, at: path, expected: "a value") else { return .null }
            switch value.kind {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .integer(let n): return .number(Double(n))
            case .float(let d): return d.isFinite ? .number(d) : .string(value.text)
            case .string: return .string(value.text)
            }
        }
    }
}
