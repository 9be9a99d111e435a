import PlexusCore

/// Checks that an encoded client stream is well formed for its protocol; returns the problems found.
enum StreamValidators {
    static func validate(_ bytes: [UInt8], proto: APIProtocol, includeUsage: Bool, jsonArray: Bool = false) -> [String]
    {
        if jsonArray { return geminiArray(bytes) }
        let events = RawStreamExpectations.events(bytes)
        if events.isEmpty { return ["no events"] }
        switch proto {
        case .chat, .embeddings: return openAI(events, includeUsage: includeUsage)
        case .responses: return ResponsesStreamValidator.validate(events)
        case .messages: return anthropic(events)
        case .gemini: return geminiSSE(events.map(\.data))
        }
    }

    static func openAI(_ events: [SSEEvent], includeUsage: Bool) -> [String] {
        var problems: [String] = []
        if events.last?.data != "[DONE]" { problems.append("does not end with [DONE]") }
        let chunks = events.dropLast().map { try? JSONValue(parsing: $0.data) }
        if chunks.contains(where: { $0 == nil }) { problems.append("a data payload is not JSON") }
        let objs = chunks.compactMap { $0 }
        if Set(objs.compactMap { $0["id"]?.stringValue }).count != 1 { problems.append("id not constant") }
        let first = objs.first?["choices"]?.at(0)?["delta"]
        if first?["role"]?.stringValue != "assistant" || first?["content"]?.stringValue != "" {
            problems.append("first delta is not {role: assistant, content: \"\"}")
        }
        let finishes = objs.filter { $0["choices"]?.at(0)?["finish_reason"]?.stringValue != nil }
        if finishes.count != 1 { problems.append("\(finishes.count) finish_reason chunks") }
        let usageChunks = objs.filter { $0["usage"] != nil && $0["usage"] != .null }
        if includeUsage != (usageChunks.count == 1) {
            problems.append("usage chunk count \(usageChunks.count), include_usage \(includeUsage)")
        }
        var seenTools: Set<Int> = []
        for o in objs {
            for tc in o["choices"]?.at(0)?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                guard let k = tc["index"]?.intValue else {
                    problems.append("tool call delta without index")
                    continue
                }
                if seenTools.insert(k).inserted {
                    if tc["id"] == nil || tc["type"]?.stringValue != "function" || tc["function"]?["name"] == nil
                        || tc["function"]?["arguments"]?.stringValue != ""
                    {
                        problems.append("first delta of tool call \(k) lacks id/type/name/empty arguments")
                    }
                } else if tc["id"] != nil || tc["function"]?["name"] != nil {
                    problems.append("later delta of tool call \(k) repeats id or name")
                }
            }
        }
        return problems
    }

    static func anthropic(_ events: [SSEEvent]) -> [String] {
        var problems: [String] = []
        var open: Int?
        var nextIndex = 0
        var sawDelta = false
        for (n, e) in events.enumerated() {
            guard let j = try? JSONValue(parsing: e.data) else {
                problems.append("event \(n) not JSON")
                continue
            }
            let type = j["type"]?.stringValue
            if type != e.event { problems.append("event name \(e.event ?? "nil") != type \(type ?? "nil")") }
            if n == 0 && type != "message_start" { problems.append("first event is \(type ?? "nil")") }
            switch type {
            case "content_block_start":
                if open != nil { problems.append("block opened while another is open") }
                if j["index"]?.intValue != nextIndex {
                    problems.append("index \(j["index"]?.intValue ?? -1), expected \(nextIndex)")
                }
                open = j["index"]?.intValue
                nextIndex += 1
            case "content_block_delta":
                if j["index"]?.intValue != open { problems.append("delta for a block that is not open") }
            case "content_block_stop":
                if j["index"]?.intValue != open { problems.append("stop for a block that is not open") }
                open = nil
            case "message_delta":
                if open != nil { problems.append("message_delta with an open block") }
                if sawDelta { problems.append("two message_delta events") }
                sawDelta = true
                if j["delta"]?["stop_reason"]?.stringValue == nil {
                    problems.append("message_delta without stop_reason")
                }
            default:
                break
            }
        }
        if events.last?.event != "message_stop" { problems.append("does not end with message_stop") }
        if !sawDelta { problems.append("no message_delta") }
        return problems
    }

    static func geminiSSE(_ payloads: [String]) -> [String] {
        var problems: [String] = []
        let objs = payloads.map { try? JSONValue(parsing: $0) }
        if objs.contains(where: { $0 == nil }) { problems.append("a data payload is not JSON") }
        for o in objs.compactMap({ $0 }) where o["candidates"]?.arrayValue == nil {
            problems.append("chunk without candidates")
        }
        let last = objs.last??["candidates"]?.at(0)
        if last?["finishReason"] == nil { problems.append("last chunk has no finishReason") }
        if objs.dropLast().contains(where: { $0?["candidates"]?.at(0)?["finishReason"] != nil }) {
            problems.append("finishReason before the last chunk")
        }
        return problems
    }

    static func geminiArray(_ bytes: [UInt8]) -> [String] {
        guard let arr = (try? JSONValue(parsing: bytes))?.arrayValue else { return ["not a JSON array"] }
        return geminiSSE(arr.map(\.jsonString))
    }
}
