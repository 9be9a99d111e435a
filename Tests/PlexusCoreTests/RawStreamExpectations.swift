import PlexusCore

/// Essentials of a captured stream, read event by event without the stream decoders.
enum RawStreamExpectations {
    static func events(_ bytes: [UInt8]) -> [SSEEvent] {
        var p = SSEParser()
        return p.feed(bytes) + p.finish()
    }

    static func stream(_ f: Fixture) -> Essentials {
        let evs = events(f.bytes).filter { $0.data != "[DONE]" }.compactMap { try? JSONValue(parsing: $0.data) }
        var e: Essentials
        switch f.proto {
        case .chat, .embeddings: e = openAI(evs)
        case .responses: e = responses(evs)
        case .messages: e = anthropic(evs)
        case .gemini: e = gemini(evs)
        }
        e.signatures.sort()
        return e
    }

    static func openAI(_ evs: [JSONValue]) -> Essentials {
        var e = Essentials()
        var calls: [Int: (id: String, name: String, args: String)] = [:]
        for c in evs {
            for ch in c["choices"]?.arrayValue ?? [] {
                let d = ch["delta"]
                e.text += d?["content"]?.stringValue ?? ""
                e.thinking += d?["reasoning_content"]?.stringValue ?? ""
                for tc in d?["tool_calls"]?.arrayValue ?? [] {
                    let k = tc["index"]?.intValue ?? 0
                    var cur = calls[k] ?? ("", "", "")
                    if let id = tc["id"]?.stringValue { cur.id = id }
                    if let n = tc["function"]?["name"]?.stringValue { cur.name = n }
                    cur.args += tc["function"]?["arguments"]?.stringValue ?? ""
                    calls[k] = cur
                }
                if let s = ch["finish_reason"]?.stringValue { e.stop = RawExpectations.openAIStop(s) }
            }
            if let u = RawExpectations.openAIUsage(c["usage"]) { e.usage = u }
        }
        e.calls = calls.keys.sorted().map {
            .init(id: calls[$0]!.id, name: calls[$0]!.name, arguments: Essentials.args(calls[$0]!.args))
        }
        return e
    }

    /// Text and summaries from their deltas (summary parts of an item joined by a blank line), calls and reasoning
    /// identities from `output_item.done`, usage and status from the last event.
    static func responses(_ evs: [JSONValue]) -> Essentials {
        var e = Essentials()
        var part: (item: String, index: Int)?
        var refusal = false
        for ev in evs {
            switch ev["type"]?.stringValue {
            case "response.output_text.delta": e.text += ev["delta"]?.stringValue ?? ""
            case "response.refusal.delta":
                e.text += ev["delta"]?.stringValue ?? ""
                refusal = true
            case "response.reasoning_summary_text.delta":
                let here = (ev["item_id"]?.stringValue ?? "", ev["summary_index"]?.intValue ?? 0)
                if let p = part, p.item == here.0, p.index != here.1 { e.thinking += "\n\n" }
                part = here
                e.thinking += ev["delta"]?.stringValue ?? ""
            case "response.output_item.done":
                guard let item = ev["item"] else { break }
                var whole = Essentials()
                refusal = RawExpectations.responsesItem(item, into: &whole) || refusal
                e.calls += whole.calls
                e.signatures += whole.signatures
            case "response.completed", "response.incomplete":
                e.usage = RawExpectations.responsesUsage(ev["response"]?["usage"])
                e.stop = RawExpectations.responsesStop(ev["response"], hasCalls: !e.calls.isEmpty, hasRefusal: refusal)
            default: break
            }
        }
        return e
    }

    static func anthropic(_ evs: [JSONValue]) -> Essentials {
        var e = Essentials()
        var kinds: [Int: String] = [:]
        var calls: [Int: (id: String, name: String, args: String)] = [:]
        var usage = JSONObject()
        for ev in evs {
            let i = ev["index"]?.intValue ?? -1
            switch ev["type"]?.stringValue {
            case "message_start":
                for (k, v) in ev["message"]?["usage"]?.objectValue?.pairs ?? [] { usage[k] = v }
            case "content_block_start":
                let b = ev["content_block"]
                kinds[i] = b?["type"]?.stringValue
                if kinds[i] == "tool_use" {
                    calls[i] = (b?["id"]?.stringValue ?? "", b?["name"]?.stringValue ?? "", "")
                }
                if kinds[i] == "redacted_thinking" { e.redacted.append(b?["data"]?.stringValue ?? "") }
            case "content_block_delta":
                let d = ev["delta"]
                switch d?["type"]?.stringValue {
                case "text_delta": e.text += d?["text"]?.stringValue ?? ""
                case "thinking_delta": e.thinking += d?["thinking"]?.stringValue ?? ""
                case "signature_delta": e.signatures.append("messages:" + (d?["signature"]?.stringValue ?? ""))
                case "input_json_delta" where kinds[i] == "tool_use":
                    calls[i]?.args += d?["partial_json"]?.stringValue ?? ""
                default: break
                }
            case "message_delta":
                for (k, v) in ev["usage"]?.objectValue?.pairs ?? [] { usage[k] = v }
                e.stop = RawExpectations.anthropicStop(ev["delta"]?["stop_reason"]?.stringValue)
            default: break
            }
        }
        e.usage = RawExpectations.anthropicUsage(.object(usage))
        e.calls = calls.keys.sorted().map {
            .init(id: calls[$0]!.id, name: calls[$0]!.name, arguments: Essentials.args(calls[$0]!.args))
        }
        return e
    }

    static func gemini(_ evs: [JSONValue]) -> Essentials {
        var e = Essentials()
        var finish: String?
        for c in evs {
            let id = c["responseId"]?.stringValue ?? ""
            for p in c["candidates"]?.at(0)?["content"]?["parts"]?.arrayValue ?? [] {
                RawExpectations.geminiPart(p, into: &e, callIndex: e.calls.count, responseID: id)
            }
            if let f = c["candidates"]?.at(0)?["finishReason"]?.stringValue { finish = f }
            if let u = RawExpectations.geminiUsage(c["usageMetadata"]) { e.usage = u }
        }
        e.stop = RawExpectations.geminiStop(finish, hasCalls: !e.calls.isEmpty)
        return e
    }
}
