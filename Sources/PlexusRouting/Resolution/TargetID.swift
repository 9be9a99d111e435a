/// A target's identity: provider plus upstream model (the key for cooldown and performance state).
public struct TargetID: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// `provider/model`.
    public var description: String { "\(provider)/\(model)" }
}

/// A `direct/PROVIDER/MODEL` model name; the model part may itself contain `/`.
public struct DirectModelName: Sendable, Hashable {
    public static let prefix = "direct/"

    public var provider: String
    public var model: String

    /// Parses `direct/PROVIDER/MODEL`; `nil` when the name has another form or an empty part.
    public init?(_ name: String) {
        guard let rest = name.dropPrefix(Self.prefix), let slash = rest.firstIndex(of: "/") else { return nil }
        provider = String(rest[..<slash])
        model = String(rest[rest.index(after: slash)...])
        if provider.isEmpty || model.isEmpty { return nil }
    }

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// `direct/PROVIDER/MODEL`.
    public var name: String { "\(Self.prefix)\(provider)/\(model)" }
}
