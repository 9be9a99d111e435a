import Foundation
import PlexusCore

extension Page {
    /// `{"items": [...], "next_cursor": "…" or null}` with each item rendered by `item`.
    public func json(_ item: (Item) -> JSONValue) -> JSONValue {
        .object(JSONObject([("items", .array(items.map(item))), ("next_cursor", .optional(nextCursor))]))
    }
}

extension UsagePage {
    /// The page with `has_trace` set for the ids in `traced` (from `UsageStore.hasTrace(ids:)`).
    public func json(traced: Set<String>) -> JSONValue {
        json { $0.json(hasTrace: traced.contains($0.requestID)) }
    }
}

extension TraceSummary {
    /// `{request_id, started_at, alias, provider, status}` as `GET /debug/traces` lists it.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("request_id", .string(requestID)), ("started_at", .string(ISOTime.string(startedAt))),
                ("alias", .optional(alias)), ("provider", .optional(provider)), ("status", .optional(status?.rawValue)),
            ]))
    }
}

extension ErrorRecord {
    /// `{request_id, at, provider, model, status, message, excerpt}` as `GET /errors` lists it.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("request_id", .string(requestID)), ("at", .string(ISOTime.string(at))),
                ("provider", .optional(provider)),
                ("model", .optional(model)), ("status", .optional(status)), ("message", .string(message)),
                ("excerpt", .optional(excerpt)),
            ]))
    }
}

extension UsageSummary {
    /// `{"bucket", "buckets": [...], "totals": {...}}` as `GET /usage/summary` answers.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("bucket", .string(bucket.rawValue)), ("buckets", .array(buckets.map(\.json))), ("totals", totals.json),
            ]))
    }
}

extension SummaryBucket {
    /// `{start, group, requests, errors, cancelled, tokens, cost, ttft_ms, tokens_per_second}`.
    public var json: JSONValue {
        var object = JSONObject([("start", .string(ISOTime.string(start))), ("group", .optional(group))])
        for (key, value) in stats.jsonFields.pairs { object[key] = value }
        return .object(object)
    }
}

extension SummaryStats {
    /// `{requests, errors, cancelled, tokens, cost, ttft_ms, tokens_per_second}`.
    public var json: JSONValue { .object(jsonFields) }

    var jsonFields: JSONObject {
        JSONObject([
            ("requests", .number(Double(requests))), ("errors", .number(Double(errors))),
            ("cancelled", .number(Double(cancelled))), ("tokens", tokens.json), ("cost", .optional(cost)),
            ("ttft_ms", ttftMs.json), ("tokens_per_second", tokensPerSecond.json),
        ])
    }
}

extension TokenTotals {
    /// `{input, cache_read, cache_write, output, reasoning}`.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("input", .number(Double(input))), ("cache_read", .number(Double(cacheRead))),
                ("cache_write", .number(Double(cacheWrite))), ("output", .number(Double(output))),
                ("reasoning", .number(Double(reasoning))),
            ]))
    }
}

extension Percentiles {
    /// `{p50, p95}`, null when there were no values.
    public var json: JSONValue { .object(JSONObject([("p50", .optional(p50)), ("p95", .optional(p95))])) }
}
