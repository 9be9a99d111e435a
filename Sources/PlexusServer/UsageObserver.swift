import PlexusCore
import PlexusStorage

/// Reads usage, stop reason and the first content token out of an upstream response without changing it.
struct UsageObserver: Sendable {
    let proto: APIProtocol
    private(set) var tokens = UsageRecord.Tokens()
    private(set) var stopReason: String?
    private(set) var sawContent = false
    private(set) var errorEvent: PlexusError?

    init(proto: APIProtocol) { self.proto = proto }

    /// Observes one stream event; returns true when it carried content (for TTFT).
    mutating func observe(event: SSEEvent) -> Bool {
        guard event.data != "[DONE]", let json = try? JSONValue(parsing: event.data) else { return false }
        return observe(json: json, eventName: event.event)
    }

    /// Observes a unary body.
    mutating func observe(body: [UInt8]) {
        guard let json = try? JSONValue(parsing: body) else { return }
        _ = observe(json: json, eventName: nil)
    }

    private mutating func observe(json: JSONValue, eventName: String?) -> Bool {
        switch proto {
        case .chat: return observeChat(json)
        case .messages: return observeMessages(json, eventName: eventName)
        case .gemini: return observeGemini(json)
        }
    }

    private mutating func observeChat(_ json: JSONValue) -> Bool {
        if let err = json["error"], err.objectValue != nil {
            errorEvent = PlexusError(.upstream, err["message"]?.stringValue ?? "upstream error in stream")
        }
        if let u = json["usage"]?.objectValue {
            let prompt = u["prompt_tokens"]?.intValue ?? 0
            let cached = u["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
            let completion = u["completion_tokens"]?.intValue ?? 0
            let reasoning = u["completion_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0
            tokens = .init(input: prompt - cached, cacheRead: cached, cacheWrite: 0, output: completion - reasoning,
                           reasoning: reasoning)
        }
        var content = false
        for choice in json["choices"]?.arrayValue ?? [] {
            if let r = choice["finish_reason"]?.stringValue { stopReason = r }
            let m = choice["delta"] ?? choice["message"]
            if let t = m?["content"]?.stringValue, !t.isEmpty { content = true }
            if let t = m?["reasoning_content"]?.stringValue, !t.isEmpty { content = true }
            if let calls = m?["tool_calls"]?.arrayValue, !calls.isEmpty { content = true }
        }
        if content { sawContent = true }
        return content
    }

    private mutating func observeMessages(_ json: JSONValue, eventName: String?) -> Bool {
        let type = json["type"]?.stringValue ?? eventName ?? ""
        switch type {
        case "error":
            errorEvent = PlexusError(.upstream, json["error"]?["message"]?.stringValue ?? "upstream error in stream")
        case "message_start":
            if let u = json["message"]?["usage"] { readAnthropicUsage(u) }
        case "message_delta", "message":
            if let u = json["usage"] { readAnthropicUsage(u) }
            if let r = (json["delta"] ?? json)["stop_reason"]?.stringValue { stopReason = r }
        case "content_block_delta":
            sawContent = true
            return true
        default: break
        }
        return false
    }

    private mutating func readAnthropicUsage(_ u: JSONValue) {
        if let v = u["input_tokens"]?.intValue { tokens.input = v }
        if let v = u["cache_read_input_tokens"]?.intValue { tokens.cacheRead = v }
        if let v = u["cache_creation_input_tokens"]?.intValue { tokens.cacheWrite = v }
        if let v = u["output_tokens"]?.intValue { tokens.output = v }
    }

    private mutating func observeGemini(_ json: JSONValue) -> Bool {
        if let err = json["error"], err.objectValue != nil {
            errorEvent = PlexusError(.upstream, err["message"]?.stringValue ?? "upstream error in stream")
        }
        if let u = json["usageMetadata"] {
            let prompt = u["promptTokenCount"]?.intValue ?? 0
            let cached = u["cachedContentTokenCount"]?.intValue ?? 0
            tokens = .init(input: prompt - cached, cacheRead: cached, cacheWrite: 0,
                           output: u["candidatesTokenCount"]?.intValue ?? 0, reasoning: u["thoughtsTokenCount"]?.intValue ?? 0)
        }
        var content = false
        for c in json["candidates"]?.arrayValue ?? [] {
            if let r = c["finishReason"]?.stringValue { stopReason = r }
            if let parts = c["content"]?["parts"]?.arrayValue, !parts.isEmpty { content = true }
        }
        if content { sawContent = true }
        return content
    }
}
