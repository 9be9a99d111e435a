import HTTPTypes
import Hummingbird
import PlexusCore

/// Where a client's API key is read from, per API.md.
enum ClientCredentials {
    /// The key the client sent: Bearer, x-api-key, x-goog-api-key, or `?key=` on /v1beta routes only.
    static func secret(from request: Request) -> String? {
        let h = request.headers
        if let auth = h[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmed }
        }
        if let k = h[HTTPField.Name("x-api-key")!], !k.isEmpty { return k }
        if let k = h[HTTPField.Name("x-goog-api-key")!], !k.isEmpty { return k }
        if request.uri.path.hasPrefix("/v1beta/"), let k = request.uri.queryParameters["key"], !k.isEmpty {
            return String(k)
        }
        return nil
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
