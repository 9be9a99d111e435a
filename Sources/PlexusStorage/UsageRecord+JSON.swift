import Foundation
import PlexusCore

extension UsageRecord {
    /// The usage row as the management API shows it (`GET /usage`, `/usage/{id}`, the `request_finished` event).
    public func json(hasTrace: Bool = false) -> JSONValue {
        .object(
            JSONObject([
                ("request_id", .string(requestID)),
                ("started_at", .string(ISOTime.string(startedAt))),
                ("key", .optional(keyName)),
                ("attribution", .optional(attribution)),
                ("alias", .optional(alias)),
                ("provider", .optional(provider)),
                ("model", .optional(upstreamModel)),
                ("kind", .string(kind.rawValue)),
                ("client_api", .string(clientProtocol.rawValue)),
                ("target_api", .optional(targetProtocol?.rawValue)),
                ("passthrough", .bool(passthrough)),
                ("streamed", .bool(streamed)),
                ("status", .string(outcome.rawValue)),
                ("http_status", .number(Double(httpStatus))),
                ("tokens", tokens.json),
                ("tokens_estimated", .bool(tokensEstimated)),
                ("cost", cost?.json ?? .null),
                ("ttft_ms", .optional(ttftMs)),
                ("duration_ms", .number(durationMs)),
                ("tokens_per_second", .optional(outputTokensPerSecond)),
                ("stop_reason", .optional(stopReason)),
                ("error", .optional(errorText)),
                ("attempts", .array(attempts.map(\.json))),
                ("has_trace", .bool(hasTrace)),
            ]))
    }
}

extension UsageRecord.Tokens {
    /// `{input, cache_read, cache_write, output, reasoning}`, null where unknown.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("input", .optional(input)), ("cache_read", .optional(cacheRead)),
                ("cache_write", .optional(cacheWrite)),
                ("output", .optional(output)), ("reasoning", .optional(reasoning)),
            ]))
    }
}

extension UsageRecord.Cost {
    /// `{input, cache_read, cache_write, output, reasoning, total}` in USD.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("input", .number(input)), ("cache_read", .number(cacheRead)), ("cache_write", .number(cacheWrite)),
                ("output", .number(output)), ("reasoning", .number(reasoning)), ("total", .number(total)),
            ]))
    }
}

extension UsageRecord.Attempt {
    /// `{provider, model, api, status, error, duration_ms, passthrough}`.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("provider", .string(provider)), ("model", .string(model)), ("api", .string(api)),
                ("status", .optional(status)), ("error", .optional(error)), ("duration_ms", .number(durationMs)),
                ("passthrough", .bool(passthrough)),
            ]))
    }
}

extension JSONValue {
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func optional(_ i: Int?) -> JSONValue { i.map { .number(Double($0)) } ?? .null }
    static func optional(_ d: Double?) -> JSONValue { d.map { .number($0) } ?? .null }
}
