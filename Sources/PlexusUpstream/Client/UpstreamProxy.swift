import AsyncHTTPClient
import PlexusCore

/// An HTTP proxy upstream calls go through (CONNECT tunnels, TLS to the upstream inside): `http://[user:pass@]host:port`.
public struct UpstreamProxy: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `user:password` from the URL, sent as basic proxy authorization; never logged.
    var credentials: String?

    /// Parses `http://host:port`, `host:port` or `http://user:pass@host:port` (`ProxyAddress`).
    public init(_ text: String) throws(UpstreamError) {
        switch ProxyAddress.parse(text) {
        case .success(let address):
            host = address.host
            port = address.port
            credentials = address.credentials
        case .failure(.notHTTP):
            throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': only http:// proxies are supported")
        case .failure(.noPort):
            throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': expected http://host:port")
        case .failure(.noHost):
            throw UpstreamError(.invalidURL, "proxy '\(Self.redacted(text))': no host")
        }
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
