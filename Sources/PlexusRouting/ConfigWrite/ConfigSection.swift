/// The `plexus.yaml` sections that hold named entities editable through the management API.
public enum ConfigSection: String, Sendable, Hashable, CaseIterable {
    case providers, models, keys

    /// The section named `name` (as in a route), or `notFound` listing the choices.
    public init(parsing name: String) throws(ConfigEditError) {
        guard let section = ConfigSection(rawValue: name) else {
            let choices = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigEditError(.notFound, "unknown section '\(name.prefix(40))' (expected one of: \(choices))")
        }
        self = section
    }

    /// The entity field holding a secret that must stay a `${NAME}` reference.
    var secretField: String? {
        switch self {
        case .providers: "api_key"
        case .keys: "secret"
        case .models: nil
        }
    }

    /// Fields shown as `"****"` whatever they hold.
    var alwaysMaskedFields: [String] {
        switch self {
        case .keys: ["secret_sha256"]
        case .providers, .models: []
        }
    }
}
