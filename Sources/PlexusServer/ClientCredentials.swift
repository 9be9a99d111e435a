import HTTPTypes
import Hummingbird
import PlexusCore

/// Where a client's API key is read from, per API.md.
enum ClientCredentials {
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let xGoogAPIKey = HTTPField.Name("x-goog-api-key")!

    /// The key the client sent: Bearer, x-api-key, x-goog-api-key, or `?key=` on /v1beta routes only.
    static func secret(from call: ClientCall) -> String? {
        if let auth = call.header(.authorization), let key = bearer(auth) { return key }
        if let k = call.header(xAPIKey), !k.isEmpty { return k }
        if let k = call.header(xGoogAPIKey), !k.isEmpty { return k }
        if call.path.hasPrefix("/v1beta/"), let k = call.query("key"), !k.isEmpty { return k }
        return nil
    }

    static func secret(from request: Request) -> String? { secret(from: ClientCall(request)) }

    /// The token of `Bearer TOKEN` (scheme case-insensitive), spaces around it trimmed; read from the contiguous
    /// bytes because this runs for every request.
    static func bearer(_ value: String) -> String? {
        if let result = value.utf8.withContiguousStorageIfAvailable(bearer) { return result }
        var copy = value
        return copy.withUTF8(bearer)
    }

    private static func bearer(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        // "bearer" ORed with 0x20 never matches a space, so the first space is the one at 6.
        guard b.count > 7, b[6] == 32, zip(b[0..<6], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var start = 7, end = b.count
        while start < end && b[start] == 32 { start += 1 }
        while end > start && b[end - 1] == 32 { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }
}
