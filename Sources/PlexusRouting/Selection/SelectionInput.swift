import PlexusCore

/// What the selector needs to know about one request.
public struct SelectionInput: Sendable {
    /// The alias being served (its selector and priority are used).
    public var alias: AliasConfig
    public var clientProtocol: APIProtocol
    /// Estimated prompt tokens of the request.
    public var estimatedInputTokens: Int
    /// The request's output limit, if any.
    public var maxOutputTokens: Int?
    /// `ConversationKey.hash` of the conversation, when known.
    public var conversation: UInt64?
    /// Seconds since the Unix epoch.
    public var now: Double
    /// `routing.exploration_rate`.
    public var explorationRate: Double
    /// `routing.sticky_sessions`.
    public var stickyEnabled: Bool

    public init(
        alias: AliasConfig, clientProtocol: APIProtocol, estimatedInputTokens: Int = 0, maxOutputTokens: Int? = nil,
        conversation: UInt64? = nil, now: Double, explorationRate: Double = 0.05, stickyEnabled: Bool = true
    ) {
        self.alias = alias
        self.clientProtocol = clientProtocol
        self.estimatedInputTokens = estimatedInputTokens
        self.maxOutputTokens = maxOutputTokens
        self.conversation = conversation
        self.now = now
        self.explorationRate = explorationRate
        self.stickyEnabled = stickyEnabled
    }
}
