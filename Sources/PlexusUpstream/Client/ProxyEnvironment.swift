import Foundation

/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (lowercase spellings first, as curl reads them): which upstream
/// calls go through a proxy when their provider names none.
public struct ProxyEnvironment: Sendable {
    let https: String?
    let http: String?
    /// `NO_PROXY` entries, lowercased: host names (matching the host and its subdomains), `.domain` suffixes,
    /// IP literals, or `*` for every host. A `:port` suffix is ignored.
    let bypass: [String]

    public init(_ variables: [String: String]) {
        func value(_ name: String) -> String? {
            (variables[name.lowercased()] ?? variables[name]).flatMap { $0.isEmpty ? nil : $0 }
        }
        https = value("HTTPS_PROXY")
        http = value("HTTP_PROXY")
        bypass = (value("NO_PROXY") ?? "").split(separator: ",").map {
            Self.hostPart($0.trimmingCharacters(in: .whitespaces).lowercased())
        }.filter { !$0.isEmpty }
    }

    /// This process's environment, read once.
    public static let process = ProxyEnvironment(ProcessInfo.processInfo.environment)

    /// The proxy for a request to `host` over `scheme`, nil for a direct connection; an unreadable proxy
    /// variable is an error (a request must not silently bypass the egress proxy it was meant to take).
    func proxy(scheme: String, host: String) throws(UpstreamError) -> UpstreamProxy? {
        guard let text = scheme.lowercased() == "https" ? https : http, !bypasses(host.lowercased()) else {
            return nil
        }
        return try UpstreamProxy(text)
    }

    func bypasses(_ host: String) -> Bool {
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bypass.contains { entry in
            if entry == "*" { return true }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            return host == domain || host.hasSuffix("." + domain)
        }
    }

    /// `host:port` -> `host` (brackets kept off IPv6 literals).
    private static func hostPart(_ entry: String) -> String {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return String(entry[entry.index(after: entry.startIndex)..<close])
        }
        if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
            return String(entry[..<colon])
        }
        return entry
    }
}
