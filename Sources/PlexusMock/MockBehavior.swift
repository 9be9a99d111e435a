import PlexusCore

/// What the mock does for one request: output shape, pacing and injected faults.
///
/// Chosen by the model name and optionally overridden by the `x-mock-behavior` header, both in the
/// grammar described on `MockBehavior.parse(model:header:)` and in `docs/mock.md`.
public struct MockBehavior: Sendable, Equatable {
    /// Visible text tokens (words) to generate; `nil` means 30, or 0 when tool calls are asked for.
    public var textTokens: Int?
    /// Delay before the first event (streams) or before the answer (unary), in milliseconds.
    public var ttftMilliseconds: Int = 0
    /// Output pace in tokens per second; 0 means no pacing.
    public var tokensPerSecond: Double = 0
    /// Tokens per stream event.
    public var chunkTokens: Int = 1
    /// Number of parallel tool calls.
    public var toolCalls: Int = 0
    /// Thinking tokens before the answer (0 = no thinking).
    public var thinkingTokens: Int = 0
    /// Adds an Anthropic `redacted_thinking` block.
    public var redactedThinking: Bool = false
    /// Sends Anthropic's `ping` event after the first block start.
    public var ping: Bool = true
    /// Forces the stop reason to "max tokens".
    public var forceMaxTokens: Bool = false
    /// Injected fault, applied to every request unless `failFirst` or `failRate` narrow it.
    public var fault: Fault?
    /// `Retry-After` seconds sent with a failure status.
    public var retryAfterSeconds: Int?
    /// Fault only the first N requests of this model (per `MockUpstream` instance).
    public var failFirst: Int?
    /// Fault this fraction of requests (deterministic sequence per model).
    public var failRate: Double?
    /// Error kind of an in-stream error event.
    public var errorKind: ErrorKind = .overloaded
    /// How `MockServer` delivers the answer and treats the connection (closes, resets, HTTP/1.0, drip).
    public var wire = MockWireOptions()

    public init() {}

    /// An injected fault.
    public enum Fault: Sendable, Equatable {
        /// Answer with this HTTP status and the protocol's error body.
        case status(Int)
        /// Close the connection before any response byte.
        case resetBeforeFirstByte
        /// Send the head and this many events, then cut the connection.
        case resetAfter(events: Int)
        /// Never answer (no response head) until cancelled.
        case stall
        /// Send the head and this many events, then wait until cancelled.
        case stallAfter(events: Int)
        /// Send this many events, then an error event inside the 200 stream, then end.
        case errorEvent(after: Int)
        /// Send the head and this many events, then a line that never ends, until the client goes.
        case flood(after: Int)
        /// A stream whose text never ends: the scripted events, then text events without end instead of the
        /// finish, until the client goes (a unary answer floods).
        case endless
    }

    /// Error kinds that an in-stream error event can carry.
    public enum ErrorKind: String, Sendable, CaseIterable {
        case overloaded
        case rateLimited = "rate_limited"
        case `internal`, unavailable
        case invalidRequest = "invalid_request"
    }

    /// Text tokens after defaults.
    public var effectiveTextTokens: Int { textTokens ?? (toolCalls > 0 ? 0 : 30) }
}

extension MockBehavior {
    /// ~30 tokens, no delay.
    public static let demoFast = MockBehavior()

    /// 800 ms to the first token, then 20 tokens/s.
    public static var demoSlow: MockBehavior {
        var b = MockBehavior()
        b.ttftMilliseconds = 800
        b.tokensPerSecond = 20
        return b
    }

    /// One tool call.
    public static var demoTools: MockBehavior {
        var b = MockBehavior()
        b.toolCalls = 1
        return b
    }

    /// Signed thinking, then text.
    public static var demoThinking: MockBehavior {
        var b = MockBehavior()
        b.thinkingTokens = 20
        return b
    }

    /// Preset names as served by the model lists.
    public static let presetNames = ["demo-fast", "demo-slow", "demo-tools", "demo-thinking"]

    /// The preset of a name, if it is one.
    public static func preset(named name: String) -> MockBehavior? {
        switch name {
        case "demo-fast", "mock": demoFast
        case "demo-slow": demoSlow
        case "demo-tools": demoTools
        case "demo-thinking": demoThinking
        default: nil
        }
    }
}

extension MockBehavior.ErrorKind {
    /// The error this kind renders as (in a stream event, or as a unary status).
    var error: PlexusError {
        switch self {
        case .overloaded: PlexusError(.overloaded, "Overloaded", httpStatus: 529)
        case .rateLimited: PlexusError(.rateLimited, "Rate limit exceeded (mock)")
        case .internal: PlexusError(.internal, "Internal server error (mock)")
        case .unavailable: PlexusError(.unavailable, "Service unavailable (mock)")
        case .invalidRequest: PlexusError(.invalidRequest, "Invalid request (mock)")
        }
    }
}

extension PlexusError {
    /// The error body a real provider sends with this status, as an injected failure.
    static func mockFailure(status: Int) -> PlexusError {
        switch status {
        case 400: PlexusError(.invalidRequest, "Invalid request (mock)", httpStatus: status)
        case 401: PlexusError(.authentication, "Invalid API key (mock)", httpStatus: status)
        case 403: PlexusError(.permission, "Permission denied (mock)", httpStatus: status)
        case 404: PlexusError(.notFound, "Model not found (mock)", httpStatus: status)
        case 413: PlexusError(.requestTooLarge, "Request too large (mock)", httpStatus: status)
        case 429: PlexusError(.rateLimited, "Rate limit exceeded (mock)", httpStatus: status)
        case 502: PlexusError(.upstream, "Bad gateway (mock)", httpStatus: status)
        case 503: PlexusError(.unavailable, "Service unavailable (mock)", httpStatus: status)
        case 504: PlexusError(.timeout, "Gateway timeout (mock)", httpStatus: status)
        case 529: PlexusError(.overloaded, "Overloaded", httpStatus: status)
        case 500...599: PlexusError(.internal, "Internal server error (mock)", httpStatus: status)
        default: PlexusError(.invalidRequest, "Request failed (mock)", httpStatus: status)
        }
    }
}
