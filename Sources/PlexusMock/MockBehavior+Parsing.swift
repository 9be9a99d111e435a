/// A model name or `x-mock-behavior` value that does not follow the grammar.
public struct MockBehaviorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension MockBehavior {
    /// Resolves the behaviour of a request from its model name and optional `x-mock-behavior` header.
    ///
    /// Grammar (also in `docs/mock.md`):
    /// ```
    /// spec    = base [":" options] | options        (options alone only in the header)
    /// base    = "mock" | "demo-fast" | "demo-slow" | "demo-tools" | "demo-thinking"
    /// options = option *("," option)
    /// option  = tokens=N | ttft=MS | tps=X | chunk=N | tools=N | thinking[=N] | redacted
    ///         | ping=0|1 | stop=max_tokens | fail=STATUS | retry_after=S | fail_first=N
    ///         | fail_rate=X | reset | reset_after=K | stall | stall_after=K | error_event[=K] | flood[=K]
    ///         | endless
    ///         | error_kind=overloaded|rate_limited|internal|unavailable|invalid_request
    ///         | close[=0|1] | close_silently[=0|1] | http10[=0|1] | eof_body[=0|1] | recycle=N
    ///         | reset_at=B | malformed_head[=0|1] | drip=MS          (wire options, `MockWireOptions`)
    /// ```
    /// A model name that starts with no known base (say `gpt-4o` or `llama3:8b`) gets the `demo-fast`
    /// behaviour untouched, so any name can be routed to the mock. The header's options are applied
    /// on top of the model's; a header that starts with a base replaces the model's behaviour first.
    public static func parse(model: String, header: String? = nil) throws(MockBehaviorError) -> MockBehavior {
        var behavior = try parseSpec(model) ?? .demoFast
        if let header, !header.isEmpty {
            try behavior.apply(spec: header)
        }
        return behavior
    }

    /// Applies a header spec: a base replaces the behaviour, then its options override fields.
    mutating func apply(spec: String) throws(MockBehaviorError) {
        let trimmed = spec.trimmingSpaces
        let (base, options) = Self.splitBase(trimmed)
        if let base, let preset = MockBehavior.preset(named: base) {
            self = preset
            if let options { try applyOptions(options) }
        } else {
            try applyOptions(trimmed)
        }
    }

    /// Parses `base[:options]`; nil when the name has no known base.
    static func parseSpec(_ spec: String) throws(MockBehaviorError) -> MockBehavior? {
        let (base, options) = splitBase(spec)
        guard let base, var behavior = preset(named: base) else { return nil }
        if let options { try behavior.applyOptions(options) }
        return behavior
    }

    /// Splits at the first colon; the part before it is a base only when it names one.
    static func splitBase(_ spec: String) -> (base: String?, options: String?) {
        guard let colon = spec.firstIndex(of: ":") else {
            return preset(named: spec) != nil ? (spec, nil) : (nil, nil)
        }
        let base = String(spec[..<colon])
        guard preset(named: base) != nil else { return (nil, nil) }
        return (base, String(spec[spec.index(after: colon)...]))
    }

    /// Applies `key[=value]` options separated by commas.
    mutating func applyOptions(_ text: String) throws(MockBehaviorError) {
        for raw in text.split(separator: ",") {
            let item = String(raw).trimmingSpaces
            if item.isEmpty { continue }
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            try applyOption(key: parts[0], value: parts.count > 1 ? parts[1] : nil)
        }
        if fault == nil, failFirst != nil || failRate != nil { fault = .status(500) }
    }

    // One switch over the content and fault options keeps them in one place; the wire options, which only
    // `MockServer` acts on, sit beside their type (`applyWireOption`).
    mutating func applyOption(key: String, value: String?) throws(MockBehaviorError) {
        let o = MockOptionValue(key: key, value: value)
        if try applyWireOption(o) { return }
        switch key {
        case "tokens": textTokens = try o.int()
        case "ttft": ttftMilliseconds = try o.int()
        case "tps": tokensPerSecond = try o.double()
        case "chunk": chunkTokens = max(1, try o.int())
        case "tools": toolCalls = try o.int()
        case "thinking": thinkingTokens = value == nil ? 20 : try o.int()
        case "redacted": redactedThinking = value == nil ? true : try o.flag()
        case "ping": ping = try o.flag()
        case "stop":
            guard value == "max_tokens" || value == "end_turn" else { throw o.invalid("max_tokens or end_turn") }
            forceMaxTokens = value == "max_tokens"
        case "fail":
            let status = try o.int()
            guard (100...599).contains(status) else { throw o.invalid("an HTTP status") }
            fault = .status(status)
        case "retry_after": retryAfterSeconds = try o.int()
        case "fail_first": failFirst = try o.int()
        case "fail_rate":
            let rate = try o.double()
            guard rate <= 1 else { throw o.invalid("a fraction between 0 and 1") }
            failRate = rate
        case "reset": fault = .resetBeforeFirstByte
        case "reset_after": fault = .resetAfter(events: try o.int())
        case "stall": fault = .stall
        case "stall_after": fault = .stallAfter(events: try o.int())
        case "error_event": fault = .errorEvent(after: value == nil ? 0 : try o.int())
        case "flood": fault = .flood(after: value == nil ? 0 : try o.int())
        case "endless": fault = .endless
        case "error_kind":
            guard let value, let kind = ErrorKind(rawValue: value) else {
                throw o.invalid(ErrorKind.allCases.map(\.rawValue).joined(separator: "|"))
            }
            errorKind = kind
        default:
            throw MockBehaviorError(message: "unknown mock option '\(key)'")
        }
    }
}

/// One option's value with typed readers that name the option in their errors.
struct MockOptionValue {
    let key: String
    let value: String?

    func invalid(_ expected: String) -> MockBehaviorError {
        MockBehaviorError(message: "mock option '\(key)' expects \(expected), got '\(value ?? "")'")
    }

    func int() throws(MockBehaviorError) -> Int {
        guard let value, let n = Int(value), n >= 0 else { throw invalid("a non-negative integer") }
        return n
    }

    func positiveInt() throws(MockBehaviorError) -> Int {
        guard let value, let n = Int(value), n > 0 else { throw invalid("a positive integer") }
        return n
    }

    func double() throws(MockBehaviorError) -> Double {
        guard let value, let d = Double(value), d >= 0, d.isFinite else { throw invalid("a non-negative number") }
        return d
    }

    func flag() throws(MockBehaviorError) -> Bool {
        switch value {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: throw invalid("0 or 1")
        }
    }

    /// A flag that may be written bare (`close` reads as `close=1`).
    func flagOrBare() throws(MockBehaviorError) -> Bool { value == nil ? true : try flag() }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
