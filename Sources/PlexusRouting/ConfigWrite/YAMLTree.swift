import Yams

/// A YAML node as written (no `${NAME}` expansion), in a form that is `Sendable`.
///
/// Yams' `Node` holds class references (`Tag`, `Anchor`), so `ConfigDocument` keeps this copy instead and
/// converts back to a `Node` only to serialize. Anchors and aliases are not kept: the composer has already
/// replaced every alias by a copy of its node.
indirect enum YAMLTree: Sendable, Equatable {
    case scalar(String, ScalarStyle)
    case sequence([YAMLTree])
    case mapping([YAMLEntry])

    /// How a scalar was (or is to be) written; only plain scalars are typed by YAML's resolution rules.
    enum ScalarStyle: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    static var emptyMapping: YAMLTree { .mapping([]) }

    /// Whether this is a plain `null` / `~` / empty scalar.
    var isNull: Bool {
        if case .scalar(let text, .plain) = self { return YAMLTree.resolvedTag(of: text) == .null }
        return false
    }

    /// The entries of a mapping; a null scalar counts as an empty mapping, anything else as none.
    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = self { return entries }
        return isNull ? [] : nil
    }

    /// The tag YAML's default resolver gives `text` as a plain scalar.
    static func resolvedTag(of text: String) -> Tag.Name {
        Tag.Name(rawValue: Node(text).tag.rawValue)
    }
}

/// One `key: value` pair of a mapping, key order being the array's order.
struct YAMLEntry: Sendable, Equatable {
    var key: String
    var keyStyle: YAMLTree.ScalarStyle
    var value: YAMLTree

    init(_ key: String, _ value: YAMLTree, keyStyle: YAMLTree.ScalarStyle? = nil) {
        self.key = key
        self.keyStyle = keyStyle ?? YAMLTree.style(forString: key)
        self.value = value
    }
}

extension [YAMLEntry] {
    /// The value for `key`; setting replaces in place, appends a new key, or removes on `nil`.
    subscript(key: String) -> YAMLTree? {
        get { first { $0.key == key }?.value }
        set {
            let index = firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): self[index].value = value
            case (nil, let value?): append(YAMLEntry(key, value))
            case (let index?, nil): remove(at: index)
            case (nil, nil): break
            }
        }
    }
}

// MARK: Yams conversion

extension YAMLTree {
    /// Copies a composed node; `path` names the place in errors.
    init(_ node: Node, at path: String = "") throws(ConfigEditError) {
        switch node {
        case .scalar(let scalar):
            self = .scalar(scalar.string, ScalarStyle(scalar.style))
        case .sequence(let sequence):
            var items: [YAMLTree] = []
            for (index, item) in sequence.enumerated() { items.append(try YAMLTree(item, at: "\(path)[\(index)]")) }
            self = .sequence(items)
        case .mapping(let mapping):
            var entries: [YAMLEntry] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigEditError(.malformed, "\(path.isEmpty ? "the document" : path) has a non-scalar key")
                }
                let child = path.isEmpty ? keyScalar.string : "\(path).\(keyScalar.string)"
                let style = ScalarStyle(keyScalar.style)
                entries.append(YAMLEntry(keyScalar.string, try YAMLTree(value, at: child), keyStyle: style))
            }
            self = .mapping(Self.applyingMerges(entries))
        case .alias:
            throw ConfigEditError(.malformed, "\(path.isEmpty ? "the document" : path): unresolved YAML alias")
        }
    }

    /// Replaces merge keys (`<<: *anchor`) by the keys they bring, as `MappingReader` reads them: written keys
    /// win, then merged mappings in order. Anchors are not kept, and a merged secret must be masked like any.
    private static func applyingMerges(_ entries: [YAMLEntry]) -> [YAMLEntry] {
        var own: [YAMLEntry] = []
        var merged: [YAMLEntry] = []
        for entry in entries {
            guard entry.key == "<<", entry.keyStyle == .plain else {
                own.append(entry)
                continue
            }
            let sources: [YAMLTree] = if case .sequence(let items) = entry.value { items } else { [entry.value] }
            guard sources.allSatisfy({ if case .mapping = $0 { true } else { false } }) else {
                own.append(entry)  // Not a merge the loader accepts; it reports it.
                continue
            }
            for case .mapping(let inner) in sources { merged += inner }
        }
        for entry in merged where !own.contains(where: { $0.key == entry.key }) { own.append(entry) }
        return own
    }

    /// The node to serialize: collections in block style (empty ones come out as `{}` / `[]`).
    var node: Node {
        switch self {
        case .scalar(let text, let style):
            return .scalar(Node.Scalar(text, .implicit, style.yamsStyle))
        case .sequence(let items):
            return .sequence(Node.Sequence(items.map(\.node), .implicit, .block))
        case .mapping(let entries):
            let pairs = entries.map { entry in
                (Node.scalar(Node.Scalar(entry.key, .implicit, entry.keyStyle.yamsStyle)), entry.value.node)
            }
            return .mapping(Node.Mapping(pairs, .implicit, .block))
        }
    }
}

extension YAMLTree.ScalarStyle {
    init(_ style: Node.Scalar.Style) {
        switch style {
        case .any, .plain: self = .plain
        case .singleQuoted: self = .singleQuoted
        case .doubleQuoted: self = .doubleQuoted
        case .literal: self = .literal
        case .folded: self = .folded
        }
    }

    /// Plain scalars go out as `.any`: the emitter writes them plain when it can and quotes text that cannot be
    /// plain, which YAML then reads back as the same string.
    var yamsStyle: Node.Scalar.Style {
        switch self {
        case .plain: .any
        case .singleQuoted: .singleQuoted
        case .doubleQuoted: .doubleQuoted
        case .literal: .literal
        case .folded: .folded
        }
    }
}
