import HTTPTypes
import Hummingbird
import PlexusCore

/// Where a client's API key is read from, per API.md.
enum ClientCredentials {
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let xGoogAPIKey = HTTPField.Name("x-goog-api-key")!

    /// The key the client sent: Bearer, x-api-key, x-goog-api-key, or `?key=` on /v1beta routes only.
    static func secret(from request: Request) -> String? {
        let h = request.headers
        if let auth = h[.authorization], let key = bearer(auth) { return key }
        if let k = h[xAPIKey], !k.isEmpty { return k }
        if let k = h[xGoogAPIKey], !k.isEmpty { return k }
        if request.uri.path.hasPrefix("/v1beta/"), let k = request.uri.queryParameters["key"], !k.isEmpty {
            return String(k)
        }
        return nil
    }

    /// The token of `Bearer TOKEN` (scheme case-insensitive), compared on bytes: this runs for every request.
    static func bearer(_ value: String) -> String? {
        let u = value.utf8
        guard u.count > 7, let space = u.firstIndex(of: 32), u.distance(from: u.startIndex, to: space) == 6,
              u.prefix(6).elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 })
        else { return nil }
        let token = value[u.index(after: space)...]
        return token.utf8.contains(32) ? String(token).trimmed : String(token)
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
