/// An HTTP proxy as written in a config or the environment: `http://[user:pass@]host:port`, `host:port`, a trailing
/// `/` allowed. One parser for the config check and the upstream client, so both accept the same addresses.
public struct ProxyAddress: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `user:password` from the URL; never logged.
    public var credentials: String?

    /// Why a text is not a proxy address.
    public enum Problem: Error, Sendable {
        case notHTTP
        case noPort
        case noHost
    }

    public static func parse(_ text: String) -> Result<ProxyAddress, Problem> {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            guard rest[..<range.lowerBound].lowercased() == "http" else { return .failure(.notHTTP) }
            rest = rest[range.upperBound...]
        }
        while rest.last == "/" { rest = rest.dropLast() }
        var credentials: String?
        if let at = rest.lastIndex(of: "@") {
            credentials = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
            (1...65535).contains(port)
        else { return .failure(.noPort) }
        var host = rest[..<colon]
        if host.first == "[", host.last == "]" { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("/") else { return .failure(.noHost) }
        return .success(ProxyAddress(host: String(host), port: port, credentials: credentials))
    }
}
