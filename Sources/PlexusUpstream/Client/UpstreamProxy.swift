import AsyncHTTPClient

/// An HTTP proxy upstream calls go through (CONNECT tunnels, TLS to the upstream inside): `http://[user:pass@]host:port`.
public struct UpstreamProxy: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `user:password` from the URL, sent as basic proxy authorization; never logged.
    var credentials: String?

    /// Parses `http://host:port`, `host:port` or `http://user:pass@host:port` (a trailing `/` is allowed).
    public init(_ text: String) throws(UpstreamError) {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            guard rest[..<range.lowerBound].lowercased() == "http" else {
                throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': only http:// proxies are supported")
            }
            rest = rest[range.upperBound...]
        }
        while rest.last == "/" { rest = rest.dropLast() }
        if let at = rest.lastIndex(of: "@") {
            credentials = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': expected http://host:port")
        }
        var host = rest[..<colon]
        if host.first == "[", host.last == "]" { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': no host") }
        self.host = String(host)
        self.port = port
    }

    /// The proxy as AsyncHTTPClient configures it.
    var configuration: HTTPClient.Configuration.Proxy {
        guard let credentials else { return .server(host: host, port: port) }
        let (user, password) = credentials.split(separator: ":", maxSplits: 1).map(String.init).paddedPair
        return .server(host: host, port: port, authorization: .basic(username: user, password: password))
    }

    public var description: String { "http://\(credentials == nil ? "" : "***@")\(host):\(port)" }

    /// The text with any `user:pass@` hidden, for error messages.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return String(text.prefix(64)) }
        let scheme = text.range(of: "://").map { String(text[..<$0.upperBound]) } ?? ""
        return scheme + "***" + text[at...]
    }
}

extension Array where Element == String {
    fileprivate var paddedPair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}
