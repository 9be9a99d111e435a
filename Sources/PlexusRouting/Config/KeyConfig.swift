import Foundation

/// A client API key (`keys.NAME`).
public struct KeyConfig: Sendable, Equatable {
    public var name: String
    /// The bearer token a client sends.
    public var secret: String
    /// `secret` as written when it used `${NAME}` (write-back keeps this, never the secret).
    public var secretReference: String?
    public var comment: String?
    /// Names this key may use (aliases, additional aliases, `direct/P/M`, or `direct/P/*` style prefixes);
    /// `nil` means everything.
    public var allowedModels: [String]?
    public var expiresAt: Date?

    public init(
        name: String, secret: String, secretReference: String? = nil, comment: String? = nil,
        allowedModels: [String]? = nil, expiresAt: Date? = nil
    ) {
        self.name = name
        self.secret = secret
        self.secretReference = secretReference
        self.comment = comment
        self.allowedModels = allowedModels
        self.expiresAt = expiresAt
    }

    /// Whether the key has expired at `now` (a key expires at the instant `expires_at`).
    public func isExpired(at now: Date) -> Bool {
        guard let expiresAt else { return false }
        return now >= expiresAt
    }
}
