/// What a requested model name means for a given key.
public enum Resolution: Sendable, Equatable {
    /// An alias, found by its name or one of its additional aliases.
    case alias(AliasConfig)
    /// An alias one of whose `patterns` matched `requested`; its `model: "*"` targets send that name.
    case pattern(AliasConfig, requested: String)
    /// `direct/PROVIDER/MODEL`, bypassing aliases.
    case direct(provider: ProviderConfig, model: String)
    /// No such name; `allowed` lists the names the key may use (for the 404 message).
    case notFound(allowed: [String])
    /// The name exists but the key may not use it; `allowed` lists the names it may use.
    case notAllowed(allowed: [String])
}
