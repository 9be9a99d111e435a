import PlexusCore

/// Secrets through the management API.
///
/// Reading: a provider `api_key` or key `secret` is shown as written when it is a pure `${NAME}` /
/// `${NAME:-default}` reference, else as `"****"`; a key's `secret_sha256` is always `"****"`.
/// Writing: `"****"` keeps the node the file holds now; any other `api_key` / `secret` must be a pure reference
/// (or null), so a literal secret never reaches the file through an edit. Generated keys go in by
/// `setKeyDigest`.
extension ConfigDocument {
    /// What masked secrets look like, and the value that means "keep the current one".
    public static let maskedSecret = "****"

    /// Sets `keys.NAME.secret_sha256` (lowercase hex) where `secret` was, removing `secret`; creates the key
    /// (and the `keys` section) when missing. A `keys` section that is not a mapping is replaced.
    public mutating func setKeyDigest(_ name: String, sha256Hex: String) {
        var keys = root[ConfigSection.keys.rawValue]?.entries ?? []
        var fields = keys[name]?.entries ?? []
        let digest = YAMLEntry("secret_sha256", YAMLTree(json: .string(sha256Hex)))
        fields.removeAll { $0.key == "secret_sha256" }
        if let index = fields.firstIndex(where: { $0.key == "secret" }) {
            fields[index] = digest
        } else {
            fields.append(digest)
        }
        keys[name] = .mapping(fields)
        root[ConfigSection.keys.rawValue] = .mapping(keys)
    }

    /// Whether `text` is exactly one `${NAME}` or `${NAME:-default}` reference.
    public static func isPureReference(_ text: String) -> Bool {
        guard text.hasPrefix("${"), text.hasSuffix("}"), text.count >= 4 else { return false }
        let body = text.dropFirst(2).dropLast()
        guard !body.contains("}") else { return false }
        let name = body.range(of: ":-").map { body[..<$0.lowerBound] } ?? body
        return EnvironmentExpander.isValidName(String(name))
    }

    /// An entity as JSON with its secret fields masked.
    static func masked(_ tree: YAMLTree, in section: ConfigSection) -> JSONValue {
        guard case .mapping(let fields) = tree else { return tree.json }
        var object = JSONObject()
        for field in fields {
            if field.key == section.secretField {
                object[field.key] = maskedSecretJSON(field.value)
            } else if section.alwaysMaskedFields.contains(field.key), !field.value.isNull {
                object[field.key] = .string(maskedSecret)
            } else {
                object[field.key] = field.value.json
            }
        }
        return .object(object)
    }

    private static func maskedSecretJSON(_ value: YAMLTree) -> JSONValue {
        if value.isNull { return .null }
        if case .scalar(let text, _) = value, isPureReference(text) { return .string(text) }
        return .string(maskedSecret)
    }

    /// The node to write for one field of an entity being set.
    static func fieldNode(
        _ value: JSONValue, field: String, of path: String, in section: ConfigSection, old: [YAMLEntry]
    ) throws(ConfigEditError) -> YAMLTree {
        let isSecret = field == section.secretField
        guard isSecret || section.alwaysMaskedFields.contains(field) else { return YAMLTree(json: value) }
        if value == .string(maskedSecret) {
            guard let kept = old[field], !kept.isNull else {
                throw ConfigEditError(
                    .missingSecret, "\(path).\(field) is \"\(maskedSecret)\" (keep the current value) but has none")
            }
            return kept
        }
        // A digest is not a secret, and a null secret is no secret; the loader judges both.
        guard isSecret, value != .null else { return YAMLTree(json: value) }
        guard case .string(let text) = value, isPureReference(text) else {
            throw ConfigEditError(
                .literalSecret,
                "\(path).\(field) must be a ${NAME} environment reference (or \"\(maskedSecret)\" to keep the "
                    + "current value); secrets are not written to the file")
        }
        return YAMLTree(json: value)
    }
}
