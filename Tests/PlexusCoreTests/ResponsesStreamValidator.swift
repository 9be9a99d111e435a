import PlexusCore

/// The Responses stream grammar of TRANSLATION.md: `response.created`, `response.in_progress`, then items one at a
/// time (`output_item.added`, their parts and deltas, `output_item.done`), and last one `response.completed` /
/// `incomplete` / `failed` with the whole response. `sequence_number` counts from 0 by one, every delta names its
/// item and output index, every `added` has its `done`, and a done event repeats what the deltas said.
struct ResponsesStreamValidator {
    var problems: [String] = []
    var open: (id: String, index: Int, type: String)?
    var addedIDs: [String] = []
    var doneCount = 0
    /// The open part's text (a content or summary part), and the open item's (all its parts, or its arguments).
    var partText = ""
    var itemText = ""
    var partOpen = false
    var terminal: String?

    static func validate(_ events: [SSEEvent]) -> [String] {
        var v = ResponsesStreamValidator()
        for (n, e) in events.enumerated() { v.check(n, e) }
        if v.terminal == nil { v.problems.append("no response.completed / incomplete / failed") }
        if v.doneCount != v.addedIDs.count { v.problems.append("\(v.addedIDs.count) items added, \(v.doneCount) done") }
        return v.problems
    }

    mutating func check(_ n: Int, _ e: SSEEvent) {
        guard let j = try? JSONValue(parsing: e.data) else {
            problems.append("event \(n) is not JSON")
            return
        }
        let type = j["type"]?.stringValue ?? ""
        if e.event != type { problems.append("event name \(e.event ?? "nil") != type \(type)") }
        if j["sequence_number"]?.intValue != n {
            problems.append("event \(n) (\(type)) has sequence_number \(j["sequence_number"]?.jsonString ?? "none")")
        }
        if let terminal { problems.append("\(type) after \(terminal)") }
        if n == 0 && type != "response.created" { problems.append("first event is \(type)") }
        if n == 1 && type != "response.in_progress" { problems.append("second event is \(type)") }
        switch type {
        case "response.output_item.added": added(j)
        case "response.content_part.added", "response.reasoning_summary_part.added":
            named(j, type)
            if partOpen { problems.append("\(type) while a part is open") }
            partOpen = true
            partText = ""
        case "response.output_text.delta", "response.refusal.delta", "response.reasoning_summary_text.delta":
            named(j, type)
            if !partOpen { problems.append("\(type) outside a part") }
            if j["content_index"] == nil && j["summary_index"] == nil {
                problems.append("\(type) without a part index")
            }
            partText += j["delta"]?.stringValue ?? ""
            itemText += j["delta"]?.stringValue ?? ""
        case "response.function_call_arguments.delta":
            named(j, type)
            itemText += j["delta"]?.stringValue ?? ""
        case "response.output_text.done", "response.reasoning_summary_text.done":
            named(j, type)
            if j["text"]?.stringValue != partText { problems.append("\(type) text differs from its deltas") }
        case "response.content_part.done", "response.reasoning_summary_part.done":
            named(j, type)
            if j["part"]?["text"]?.stringValue != partText { problems.append("\(type) part differs from its deltas") }
            partOpen = false
        case "response.function_call_arguments.done":
            named(j, type)
            if j["arguments"]?.stringValue != itemText { problems.append("arguments.done differs from its deltas") }
        case "response.output_item.done": itemDone(j)
        case "response.completed", "response.incomplete", "response.failed": end(j, type)
        default: break
        }
    }

    mutating func added(_ j: JSONValue) {
        if let open { problems.append("item added while \(open.id) is open") }
        if j["output_index"]?.intValue != addedIDs.count {
            problems.append("output_index \(j["output_index"]?.intValue ?? -1), expected \(addedIDs.count)")
        }
        guard let id = j["item"]?["id"]?.stringValue, let type = j["item"]?["type"]?.stringValue else {
            problems.append("added item without id or type")
            return
        }
        open = (id, addedIDs.count, type)
        addedIDs.append(id)
        itemText = ""
        partOpen = false
    }

    /// The event names the open item.
    mutating func named(_ j: JSONValue, _ type: String) {
        guard let open else {
            problems.append("\(type) with no open item")
            return
        }
        if j["item_id"]?.stringValue != open.id || j["output_index"]?.intValue != open.index {
            problems.append(
                "\(type) names \(j["item_id"]?.stringValue ?? "nil")@\(j["output_index"]?.intValue ?? -1), open is \(open.id)@\(open.index)"
            )
        }
    }

    mutating func itemDone(_ j: JSONValue) {
        guard let o = open else {
            problems.append("output_item.done with no open item")
            return
        }
        let item = j["item"]
        if item?["id"]?.stringValue != o.id || j["output_index"]?.intValue != o.index {
            problems.append("output_item.done names another item")
        }
        if partOpen { problems.append("output_item.done with a part open") }
        let whole: String =
            switch o.type {
            case "message":
                (item?["content"]?.arrayValue ?? []).compactMap {
                    $0["text"]?.stringValue ?? $0["refusal"]?.stringValue
                }.joined()
            case "reasoning": (item?["summary"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
            case "function_call": item?["arguments"]?.stringValue ?? ""
            default: itemText
            }
        if whole != itemText { problems.append("done \(o.type) item differs from its deltas") }
        open = nil
        doneCount += 1
    }

    mutating func end(_ j: JSONValue, _ type: String) {
        terminal = type
        if let open { problems.append("\(type) while \(open.id) is open") }
        let r = j["response"]
        if r?["status"]?.stringValue != String(type.dropFirst("response.".count)) {
            problems.append("\(type) with status \(r?["status"]?.stringValue ?? "nil")")
        }
        if (r?["output"]?.arrayValue ?? []).compactMap({ $0["id"]?.stringValue }) != addedIDs {
            problems.append("final output differs from the items streamed")
        }
        for key in ["id", "object", "created_at", "model", "output", "parallel_tool_calls", "tool_choice", "tools"]
        where r?[key] == nil {
            problems.append("final response lacks \(key)")
        }
    }
}
