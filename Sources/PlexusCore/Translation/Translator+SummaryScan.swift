/// Chat and Messages answers read member by member for the passthrough summary: the few numbers and strings the
/// decoder would read are taken where they stand and everything else is checked and skipped, so nothing is built
/// (building the picked members as `JSONValue`s was most of a passthrough request's own parsing).
/// A member that occurs twice counts as in `JSONObject`: the last one wins.
extension Translator {
    /// What `OpenAI.ResponseDecoder` reads of a chat completion; nil for an error body or a non-object (decode).
    static func scanChatSummary(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> ResponseSummary? {
        var p = JSONByteParser(bytes: bytes, maxDepth: 64)
        p.skipWhitespace()
        guard p.lead == UInt8(ascii: "{") else { return nil }
        var isError = false
        var usage: IR.Usage?
        var choice = ChatChoice()
        try p.walkObject { p, key throws(JSONParseError) in
            if key.spells("error") {
                isError = p.lead == UInt8(ascii: "{")
                try p.skipValue()
            } else if key.spells("usage") {
                if p.lead == UInt8(ascii: "{") {
                    usage = try scanOpenAIUsage(&p)
                } else {
                    usage = nil
                    try p.skipValue()
                }
            } else if key.spells("choices") {
                choice = ChatChoice()
                guard p.lead == UInt8(ascii: "[") else {
                    try p.skipValue()
                    return
                }
                try p.walkArray { p, index throws(JSONParseError) in
                    if index == 0, p.lead == UInt8(ascii: "{") { try choice.scan(&p) } else { try p.skipValue() }
                }
            } else {
                try p.skipValue()
            }
        }
        try p.finishDocument()
        if isError { return nil }
        var stop = choice.finishReason.map(OpenAI.stopReason)
        if choice.refusal?.isEmpty == false { stop = .refusal }
        if stop == .endTurn, choice.toolCalls || choice.legacyCall { stop = .toolUse }
        return ResponseSummary(usage: usage, stopReason: stop)
    }

    /// The first choice's members the summary needs.
    private struct ChatChoice {
        var finishReason: String?
        var refusal: String?
        var toolCalls = false
        var legacyCall = false

        mutating func scan(_ p: inout JSONByteParser) throws(JSONParseError) {
            try p.walkObject { p, key throws(JSONParseError) in
                if key.spells("finish_reason") {
                    finishReason = try p.stringOrSkip()
                } else if key.spells("message") {
                    (refusal, toolCalls, legacyCall) = (nil, false, false)
                    guard p.lead == UInt8(ascii: "{") else {
                        try p.skipValue()
                        return
                    }
                    try p.walkObject { p, key throws(JSONParseError) in
                        if key.spells("refusal") {
                            refusal = try p.stringOrSkip()
                            return
                        }
                        if key.spells("tool_calls") { toolCalls = p.arrayIsNonEmpty }
                        if key.spells("function_call") { legacyCall = p.lead == UInt8(ascii: "{") }
                        try p.skipValue()
                    }
                } else {
                    try p.skipValue()
                }
            }
        }
    }

    /// `OpenAI.usage` of the object at `p.i`.
    private static func scanOpenAIUsage(_ p: inout JSONByteParser) throws(JSONParseError) -> IR.Usage {
        var prompt: Int?
        var completion: Int?
        var cacheHit: Int?
        var cached: Int?
        var reasoning: Int?
        try p.walkObject { p, key throws(JSONParseError) in
            if key.spells("prompt_tokens") {
                prompt = try p.looseIntOrSkip()
            } else if key.spells("completion_tokens") {
                completion = try p.looseIntOrSkip()
            } else if key.spells("prompt_cache_hit_tokens") {
                cacheHit = try p.looseIntOrSkip()
            } else if key.spells("prompt_tokens_details") {
                cached = try p.nestedInt("cached_tokens")
            } else if key.spells("completion_tokens_details") {
                reasoning = try p.nestedInt("reasoning_tokens")
            } else {
                try p.skipValue()
            }
        }
        let cache = cached ?? cacheHit ?? 0
        let thought = reasoning ?? 0
        return IR.Usage(
            input: max(0, (prompt ?? 0) - cache), cacheRead: cache,
            output: max(0, (completion ?? 0) - thought), reasoning: thought)
    }

    /// What `Anthropic` decoding reads of a Messages answer; nil for an error body or a non-object (decode).
    static func scanMessagesSummary(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> ResponseSummary? {
        var p = JSONByteParser(bytes: bytes, maxDepth: 64)
        p.skipWhitespace()
        guard p.lead == UInt8(ascii: "{") else { return nil }
        var type: String?
        var stop: String?
        var usage: IR.Usage?
        try p.walkObject { p, key throws(JSONParseError) in
            if key.spells("type") {
                type = try p.stringOrSkip()
            } else if key.spells("stop_reason") {
                stop = try p.stringOrSkip()
            } else if key.spells("usage") {
                if p.lead == UInt8(ascii: "{") {
                    usage = try scanAnthropicUsage(&p)
                } else {
                    usage = nil
                    try p.skipValue()
                }
            } else {
                try p.skipValue()
            }
        }
        try p.finishDocument()
        if type == "error" { return nil }
        return ResponseSummary(usage: usage, stopReason: stop.map(Anthropic.stopReason))
    }

    /// `Anthropic.usage` of the object at `p.i`.
    private static func scanAnthropicUsage(_ p: inout JSONByteParser) throws(JSONParseError) -> IR.Usage {
        var input: Int?
        var output: Int?
        var cacheRead: Int?
        var cacheWrite: Int?
        var thinking: Int?
        try p.walkObject { p, key throws(JSONParseError) in
            if key.spells("input_tokens") {
                input = try p.looseIntOrSkip()
            } else if key.spells("output_tokens") {
                output = try p.looseIntOrSkip()
            } else if key.spells("cache_read_input_tokens") {
                cacheRead = try p.looseIntOrSkip()
            } else if key.spells("cache_creation_input_tokens") {
                cacheWrite = try p.looseIntOrSkip()
            } else if key.spells("output_tokens_details") {
                thinking = try p.nestedInt("thinking_tokens")
            } else {
                try p.skipValue()
            }
        }
        let out = output ?? 0
        let thought = min(out, thinking ?? 0)
        return IR.Usage(
            input: input ?? 0, cacheRead: cacheRead ?? 0, cacheWrite: cacheWrite ?? 0,
            output: out - thought, reasoning: thought)
    }
}

extension JSONByteParser {
    /// The `name` member of the object at `i` as a loose integer (nil when absent or not an object); moves past it.
    mutating func nestedInt(_ name: StaticString) throws(JSONParseError) -> Int? {
        guard lead == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var found: Int?
        try walkObject { p, key throws(JSONParseError) in
            if key.spells(name) { found = try p.looseIntOrSkip() } else { try p.skipValue() }
        }
        return found
    }
}
