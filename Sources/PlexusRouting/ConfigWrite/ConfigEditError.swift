/// Why a change to a `ConfigDocument` was refused.
public struct ConfigEditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fixed reasons, for API error codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The text is not YAML.
        case malformed
        /// The document, a section or an entity is not a mapping.
        case notMapping
        /// A provider `api_key` or key `secret` that is not a `${NAME}` reference.
        case literalSecret
        /// `"****"` (keep the current value) where the file holds no value to keep.
        case missingSecret
        /// An unknown section or entity.
        case notFound
    }

    public var code: Code
    /// What went wrong, never echoing a secret.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
