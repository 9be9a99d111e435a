import Foundation
import HTTPTypes
import PlexusCore
import Synchronization

/// Collects one request's debug trace as it goes: raw client request, transformed upstream request(s), raw upstream
/// answer (each stream event with its arrival time), what the client got, and the reconstructed final message.
/// Secrets in headers and URLs are redacted as they are recorded. Each side's stream events are kept up to
/// `eventBytesLimit` bytes of data, then only counted: a captured stream is not buffered whole, however long.
final class TraceCapture: Sendable {
    /// The events of one side of a stream: the first ones, up to a number of bytes, and a count of the rest.
    private struct Events {
        var kept: [JSONValue] = []
        var bytes = 0
        var dropped = 0

        var isEmpty: Bool { kept.isEmpty && dropped == 0 }

        mutating func add(_ entry: @autoclosure () -> JSONValue, bytes count: Int, limit: Int) {
            guard dropped == 0, bytes + count <= limit else {
                dropped += 1  // the rest is counted, so the trace keeps an unbroken start
                return
            }
            bytes += count
            kept.append(entry())
        }

        func write(into object: inout JSONObject) {
            if !kept.isEmpty { object["events"] = .array(kept) }
            if dropped > 0 { object["events_dropped"] = .number(Double(dropped)) }
        }
    }

    private struct State {
        var clientRequest: JSONValue = .null
        var upstreamRequests: [JSONValue] = []
        var upstreamResponse: JSONObject = JSONObject()
        var upstreamEvents = Events()
        var clientEvents = Events()
        var clientResponse: JSONObject = JSONObject()
        var accumulator = StreamAccumulator()
        var finalMessage: JSONValue = .null
    }

    private let start = ContinuousClock.now
    private let state = Mutex(State())
    let eventBytesLimit: Int

    init(eventBytesLimit: Int = 4 << 20) {
        self.eventBytesLimit = eventBytesLimit
    }
    /// Header names whose values never enter a trace.
    static let secretHeaders: Set<String> = [
        "authorization", "x-api-key", "x-goog-api-key", "x-admin-key", "cookie", "set-cookie", "proxy-authorization",
    ]

    private var elapsedMs: Double { RequestRecord.milliseconds(.now - start) }

    func clientRequest(headers: HTTPFields, body: [UInt8]) {
        let h = Self.redact(headers.map { ($0.name.canonicalName, $0.value) })
        state.withLock { $0.clientRequest = ["headers": h, "body": Self.body(body)] }
    }

    /// `configured`: lowercased names of headers whose values came from the config (a provider's `headers`),
    /// redacted like credentials are.
    func upstreamRequest(url: String, headers: [(String, String)], configured: Set<String>, body: [UInt8]) {
        let entry: JSONValue = [
            "at_ms": .number(elapsedMs), "url": .string(Self.redact(url: url)),
            "headers": Self.redact(headers, also: configured),
            "body": Self.body(body),
        ]
        state.withLock { $0.upstreamRequests.append(entry) }
    }

    func upstreamResponse(status: Int, headers: [(String, String)], body: [UInt8]?) {
        let at = elapsedMs
        state.withLock { s in
            s.upstreamResponse = JSONObject([
                ("status", .number(Double(status))), ("headers", Self.redact(headers)), ("at_ms", .number(at)),
            ])
            if let body { s.upstreamResponse["body"] = Self.body(body) }
        }
    }

    func upstreamEvents(_ events: [SSEEvent], decoded: [IR.StreamEvent]) {
        let at = elapsedMs
        state.withLock { s in
            for e in events {
                s.upstreamEvents.add(
                    ["at_ms": .number(at), "event": e.event.map(JSONValue.string) ?? .null, "data": .string(e.data)],
                    bytes: e.data.utf8.count, limit: eventBytesLimit)
            }
            for d in decoded { s.accumulator.add(d) }
        }
    }

    func clientBytes(_ bytes: [UInt8]) {
        let at = elapsedMs
        state.withLock {
            $0.clientEvents.add(
                ["at_ms": .number(at), "data": .string(String(decoding: bytes, as: UTF8.self))], bytes: bytes.count,
                limit: eventBytesLimit)
        }
    }

    func clientResponse(status: Int, body: [UInt8]?) {
        state.withLock { s in
            s.clientResponse["status"] = .number(Double(status))
            if let body { s.clientResponse["body"] = Self.body(body) }
        }
    }

    /// The final message in the client's protocol: the unary answer, or the accumulated stream.
    func finalMessage(_ response: IR.Response?, clientProtocol: APIProtocol, clientModel: String) {
        state.withLock { s in
            let message = response ?? (s.upstreamEvents.isEmpty ? nil : s.accumulator.response)
            guard let message else { return }
            let bytes = Translator.encodeResponse(message, to: clientProtocol, clientModel: clientModel)
            s.finalMessage = (try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The whole trace document.
    func document(requestID: String) -> JSONValue {
        state.withLock { s in
            var upstream = s.upstreamResponse
            s.upstreamEvents.write(into: &upstream)
            var client = s.clientResponse
            s.clientEvents.write(into: &client)
            return [
                "request_id": .string(requestID), "client_request": s.clientRequest,
                "upstream_request": s.upstreamRequests.last ?? .null, "upstream_requests": .array(s.upstreamRequests),
                "upstream_response": .object(upstream), "client_response": .object(client),
                "final_message": s.finalMessage,
            ]
        }
    }

    static func redact(_ headers: [(String, String)], also configured: Set<String> = []) -> JSONValue {
        .object(
            JSONObject(
                headers.map { name, value in
                    let lower = name.lowercased()
                    return (
                        lower,
                        .string(secretHeaders.contains(lower) || configured.contains(lower) ? "[redacted]" : value)
                    )
                }))
    }

    /// Removes `key=` query values (Gemini's URL credential).
    static func redact(url: String) -> String {
        guard var components = URLComponents(string: url), let items = components.queryItems else { return url }
        components.queryItems = items.map { $0.name == "key" ? URLQueryItem(name: "key", value: "[redacted]") : $0 }
        return components.string ?? url
    }

    /// A JSON body as JSON, anything else as text.
    static func body(_ bytes: [UInt8]) -> JSONValue {
        (try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
    }
}
