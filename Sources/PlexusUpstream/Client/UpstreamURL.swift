/// An upstream URL split into what a connection and a request line need (http and https only).
struct UpstreamURL: Sendable, Hashable {
    var tls: Bool
    var host: String
    var port: Int
    /// Path and query, starting with `/`.
    var target: String
    /// The `Host` header: the port only when it is not the scheme's default. Built once (it went on every request).
    var hostHeader = ""

    /// Parses `scheme://host[:port][/path][?query]`; IPv6 hosts in brackets.
    init(_ text: String) throws(UpstreamError) {
        let scheme: Substring
        let rest: Substring
        if let range = text.range(of: "://") {
            scheme = text[..<range.lowerBound]
            rest = text[range.upperBound...]
        } else {
            throw UpstreamError(.invalidURL, "invalid upstream URL: no scheme")
        }
        switch scheme.lowercased() {
        case "http": tls = false
        case "https": tls = true
        default: throw UpstreamError(.invalidURL, "unsupported upstream URL scheme '\(scheme)'")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        target = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
        var hostPart = authority
        var portPart: Substring?
        if authority.first == "[", let close = authority.firstIndex(of: "]") {
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" { portPart = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !hostPart.contains("@") else {
            throw UpstreamError(.invalidURL, "invalid upstream URL: bad host")
        }
        host = String(hostPart)
        if let portPart {
            guard let p = Int(portPart), (1...65535).contains(p) else {
                throw UpstreamError(.invalidURL, "invalid upstream URL: bad port")
            }
            port = p
        } else {
            port = tls ? 443 : 80
        }
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        hostHeader = port == (tls ? 443 : 80) ? bracketed : "\(bracketed):\(port)"
    }

    /// Whether the host is an IP literal (no SNI then).
    var hostIsIPAddress: Bool {
        host.contains(":") || host.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 }
    }
}
