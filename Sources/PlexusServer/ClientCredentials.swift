import HTTPTypes
import Hummingbird
import PlexusCore
import PlexusHTTP

/// Where a client's API key is read from, per API.md.
enum ClientCredentials {
    static let xAPIKey = InboundHead.xAPIKey
    static let xGoogAPIKey = HTTPField.Name("x-goog-api-key")!

    /// Calls `body` with the bytes of the key the client sent (nil when it sent none): Bearer, x-api-key,
    /// x-goog-api-key, or `?key=` on /v1beta routes only. Read in place from the head, since this runs for every
    /// request and a returning client's key is compared with the connection's memo without a string made.
    static func withSecret<R>(from call: ClientCall, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        if let r = call.withHeader(.authorization, { $0.flatMap(bearer).map(body) }) { return r }
        if let r = call.withHeader(xAPIKey, { $0.flatMap(nonEmpty).map(body) }) { return r }
        if let r = call.withHeader(xGoogAPIKey, { $0.flatMap(nonEmpty).map(body) }) { return r }
        if call.path.hasPrefix("/v1beta/"), var k = call.query("key"), !k.isEmpty {
            return k.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        return body(nil)
    }

    /// The key the client sent, as a string (see `withSecret`).
    static func secret(from call: ClientCall) -> String? {
        withSecret(from: call) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    static func secret(from request: Request) -> String? { secret(from: ClientCall(request)) }

    /// The token of `Bearer TOKEN` (scheme case-insensitive), spaces around it trimmed.
    static func bearer(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        // "bearer" ORed with 0x20 never matches a space, so the first space is the one at 6.
        guard b.count > 7, b[6] == 32, zip(b[0..<6], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var start = 7
        var end = b.count
        while start < end && b[start] == 32 { start += 1 }
        while end > start && b[end - 1] == 32 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[start..<end])
    }

    private static func nonEmpty(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? { b.isEmpty ? nil : b }
}
