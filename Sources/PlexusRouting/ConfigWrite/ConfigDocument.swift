import PlexusCore
import Yams

/// The raw `plexus.yaml` document as the management API edits it: nothing expanded, key order kept.
///
/// `${NAME}` references stay exactly as written, so writing `text()` back never puts an environment value
/// (a secret) into the file. Comments and anchors are not kept. Edits are not validated here: the caller loads
/// `text()` with `ConfigLoader` before writing the file.
public struct ConfigDocument: Sendable, Equatable {
    /// The root mapping's entries, in file order.
    var root: [YAMLEntry]

    /// Parses `yaml` without expanding anything; an empty file (or one holding only comments) is empty.
    public init(yaml: String) throws(ConfigEditError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            let problem = ConfigLoader.problem(fromYAMLError: error)
            throw ConfigEditError(.malformed, problem.line.map { "line \($0): \(problem.message)" } ?? problem.message)
        }
        guard let node else {
            root = []
            return
        }
        guard let entries = try YAMLTree(node).entries else {
            throw ConfigEditError(.notMapping, "the document is not a mapping of sections")
        }
        root = entries
    }

    /// The entity names of `section` in file order (none when the section is absent or not a mapping).
    public func names(_ section: ConfigSection) -> [String] {
        root[section.rawValue]?.entries?.map(\.key) ?? []
    }

    /// One entity as JSON, secrets masked (see `ConfigDocument+Secrets`); `nil` when there is none.
    public func entity(_ section: ConfigSection, _ name: String) -> JSONValue? {
        guard let tree = root[section.rawValue]?.entries?[name] else { return nil }
        return Self.masked(tree, in: section)
    }

    /// Replaces the entity `name` in place, or appends it at the end of the section (created when missing).
    ///
    /// `value` must be an object. Secret fields follow the rules of `ConfigDocument+Secrets`: `"****"` keeps the
    /// node in the file, anything else must be a `${NAME}` reference.
    public mutating func setEntity(
        _ section: ConfigSection, _ name: String, _ value: JSONValue
    ) throws(ConfigEditError) {
        let path = "\(section.rawValue).\(name)"
        guard case .object(let object) = value else {
            throw ConfigEditError(.notMapping, "\(path) must be an object")
        }
        var entities = try sectionEntries(section)
        let old = entities[name]?.entries ?? []
        var fields: [YAMLEntry] = []
        for (field, fieldValue) in object.pairs {
            let node = try Self.fieldNode(fieldValue, field: field, of: path, in: section, old: old)
            fields.append(YAMLEntry(field, node))
        }
        entities[name] = .mapping(fields)
        root[section.rawValue] = .mapping(entities)
    }

    /// Removes the entity `name`; `false` when there was none.
    public mutating func removeEntity(_ section: ConfigSection, _ name: String) -> Bool {
        guard var entities = root[section.rawValue]?.entries, entities[name] != nil else { return false }
        entities[name] = nil
        root[section.rawValue] = .mapping(entities)
        return true
    }

    /// Sets one value by key path, e.g. `["debug", "capture"]`, creating missing mappings on the way (a value
    /// in the way that is not a mapping is replaced). An empty path changes nothing.
    public mutating func set(_ path: [String], _ value: JSONValue) {
        guard !path.isEmpty else { return }
        root = Self.setting(path[...], to: YAMLTree(json: value), in: .mapping(root)).entries ?? root
    }

    private static func setting(_ path: ArraySlice<String>, to value: YAMLTree, in tree: YAMLTree) -> YAMLTree {
        guard let key = path.first else { return value }
        var entries = tree.entries ?? []
        entries[key] = setting(path.dropFirst(), to: value, in: entries[key] ?? .emptyMapping)
        return .mapping(entries)
    }

    /// The section's entities for editing: absent or null is empty; any other non-mapping is refused.
    func sectionEntries(_ section: ConfigSection) throws(ConfigEditError) -> [YAMLEntry] {
        guard let tree = root[section.rawValue] else { return [] }
        guard let entries = tree.entries else {
            throw ConfigEditError(.notMapping, "section '\(section.rawValue)' is not a mapping of names")
        }
        return entries
    }

    /// The document as block-style YAML, keys in document order.
    public func text() -> String {
        do {
            // No line width: long values stay on one line, as they were written.
            return try Yams.serialize(node: YAMLTree.mapping(root).node, width: -1, allowUnicode: true)
        } catch {
            // Not expected for a tree built from strings; this text fails validation, so no file is replaced.
            return "plexus_write_error: \"the configuration could not be serialized\"\n"
        }
    }
}
