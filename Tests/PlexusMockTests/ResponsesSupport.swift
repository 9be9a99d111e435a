import PlexusCore
import Testing

@testable import PlexusMock

/// Helpers for the Responses route: calls, the stream grammar as a checker, and JSON shapes by kind.
enum Responses {
    static func call(_ upstream: MockUpstream, _ body: [UInt8], headers: [(String, String)] = []) async throws
        -> (response: MockResponse, bytes: [UInt8], error: (any Error)?)
    {
        let response = try await upstream.handle(Support.post("/v1/responses", body, headers: headers))
        let (bytes, error) = try await Support.collect(response.body)
        return (response, bytes, error)
    }

    /// A request body from JSON text with `model` set.
    static func body(_ model: String, _ rest: String = #""input":"hi""#) -> [UInt8] {
        Support.json(#"{"model":"\#(model)",\#(rest)}"#)
    }

    /// The event's JSON.
    static func data(_ event: SSEEvent) -> JSONValue { (try? JSONValue(parsing: event.data)) ?? .null }

    /// Every problem with a stream against the Responses grammar (empty when it follows it): `event:` names match
    /// `type`, `sequence_number` counts from 0 by 1, no `[DONE]`, `response.created` and `response.in_progress`
    /// first, a terminal event last; one item open at a time, each `added` closed by its `done` at the same
    /// `output_index`, and every delta naming the open item; the final response lists the finished items.
    static func grammarProblems(_ events: [SSEEvent]) -> [String] {
        var problems: [String] = []
        var openItem: (index: Int, id: String, type: String)?
        var finished: [String] = []
        for (n, event) in events.enumerated() {
            let json = data(event)
            guard let type = json["type"]?.stringValue else {
                problems.append("event \(n): no type (\(event.data.prefix(40)))")
                continue
            }
            if event.event != type { problems.append("event \(n): name \(event.event ?? "nil") but type \(type)") }
            if json["sequence_number"]?.intValue != n {
                problems.append("event \(n) \(type): sequence_number \(json["sequence_number"]?.intValue ?? -1)")
            }
            switch type {
            case "response.created", "response.in_progress":
                if n > 1 { problems.append("\(type) at \(n)") }
                if json["response"]?["status"]?.stringValue != "in_progress" {
                    problems.append("\(type) not in_progress")
                }
            case "response.output_item.added":
                if let open = openItem { problems.append("item \(open.id) still open at \(n)") }
                let index = json["output_index"]?.intValue ?? -1
                if index != finished.count {
                    problems.append("added at output_index \(index), expected \(finished.count)")
                }
                openItem = (index, json["item"]?["id"]?.stringValue ?? "", json["item"]?["type"]?.stringValue ?? "")
            case "response.output_item.done":
                guard let open = openItem else {
                    problems.append("done without added at \(n)")
                    continue
                }
                if json["output_index"]?.intValue != open.index || json["item"]?["id"]?.stringValue != open.id {
                    problems.append("done at \(n) does not close \(open.id)")
                }
                finished.append(open.id)
                openItem = nil
            case "response.completed", "response.incomplete", "response.failed":
                if n != events.count - 1 { problems.append("\(type) before the end") }
                if let open = openItem, type != "response.failed" { problems.append("\(open.id) never done") }
                let ids = (json["response"]?["output"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                if ids != finished { problems.append("final output \(ids) but finished \(finished)") }
            case "error":
                if n != events.count - 1 { problems.append("error before the end") }
            default:
                guard let open = openItem else {
                    problems.append("\(type) outside an item at \(n)")
                    continue
                }
                if json["item_id"]?.stringValue != open.id || json["output_index"]?.intValue != open.index {
                    problems.append(
                        "\(type) at \(n) names \(json["item_id"]?.stringValue ?? "nil") but \(open.id) is open")
                }
            }
        }
        if events.contains(where: { $0.data == "[DONE]" }) { problems.append("[DONE] sent") }
        // `response.created` then `response.in_progress` open the stream, unless it ends first.
        let terminal = ["response.completed", "response.incomplete", "response.failed", "error"]
        let types = events.map { data($0)["type"]?.stringValue ?? "" }
        if let first = types.first, first != "response.created", first != "error" {
            problems.append("starts with \(first)")
        }
        if types.count > 1, types[1] != "response.in_progress", !terminal.contains(types[1]) {
            problems.append("second is \(types[1])")
        }
        if !terminal.contains(types.last ?? "") { problems.append("ends with \(types.last ?? "nothing")") }
        return problems
    }

    /// The event types with repeats collapsed, reasoning summary parts counted as one (OpenAI splits its
    /// summary in several parts, the mock writes one).
    static func shape(_ events: [SSEEvent]) -> [String] {
        let types = events.map { data($0)["type"]?.stringValue ?? "?" }.map {
            $0.hasPrefix("response.reasoning_summary_") ? "response.reasoning_summary" : $0
        }
        return Support.collapsed(types)
    }

    /// Keys only some models send (the newest captures' `tool_usage`, reasoning `context` / `mode`, …), left out of
    /// the key comparison with the captures.
    static let modelSpecific: Set<String> = [
        "tool_usage", "context", "mode", "phase", "cache_write_tokens", "output_schema",
    ]

    /// Path → JSON kinds seen there (`string`, `number`, `null` …), for comparing types.
    static func kinds(_ value: JSONValue, prefix: String = "", into out: inout [String: Set<String>]) {
        switch value {
        case .object(let o):
            for (k, v) in o.pairs {
                let path = prefix.isEmpty ? k : prefix + "." + k
                out[path, default: []].insert(kind(v))
                kinds(v, prefix: path, into: &out)
            }
        case .array(let items):
            for item in items { kinds(item, prefix: prefix + "[]", into: &out) }
        case .null, .bool, .number, .string:
            break
        }
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// Paths where the mock has a kind the captures never show (null and a value may stand for each other).
    static func kindMismatches(mock: JSONValue, captures: [JSONValue]) -> [String] {
        var mine: [String: Set<String>] = [:]
        var theirs: [String: Set<String>] = [:]
        kinds(mock, into: &mine)
        for capture in captures { kinds(capture, into: &theirs) }
        return mine.compactMap { path, kinds in
            guard let seen = theirs[path] else { return nil }
            let bad = kinds.subtracting(seen).subtracting(["null"])
            return bad.isEmpty || seen == ["null"] ? nil : "\(path): \(bad.sorted()) vs \(seen.sorted())"
        }.sorted()
    }
}
