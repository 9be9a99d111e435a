import Testing

@testable import PlexusUpstream

@Suite("Proxy settings")
struct ProxyEnvironmentTests {
    @Test(arguments: [
        ("http://proxy.corp:3128", "proxy.corp", 3128, false),
        ("proxy.corp:8080/", "proxy.corp", 8080, false),
        ("http://user:secret@10.0.0.1:3128", "10.0.0.1", 3128, true),
        ("http://[::1]:3128", "::1", 3128, false),
    ])
    func proxyURLsParse(text: String, host: String, port: Int, hasCredentials: Bool) throws {
        let proxy = try UpstreamProxy(text)
        #expect(proxy.host == host && proxy.port == port)
        #expect((proxy.credentials != nil) == hasCredentials)
        #expect(!proxy.description.contains("secret"))
    }

    @Test(arguments: ["https://proxy:3128", "proxy", "http://proxy:0", "http://:3128", "socks5://p:1080"])
    func unusableProxiesAreErrorsThatHideCredentials(text: String) {
        #expect(throws: UpstreamError.self) { try UpstreamProxy(text) }
        #expect(!UpstreamProxy.redacted("http://u:pw@p:1").contains("pw"))
    }

    @Test func schemesPickTheirVariableAndLowercaseWins() throws {
        let env = ProxyEnvironment([
            "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "HTTP_PROXY": "http://plain:3",
        ])
        #expect(try env.proxy(scheme: "https", host: "api.openai.com")?.host == "lower")
        #expect(try env.proxy(scheme: "http", host: "api.openai.com")?.host == "plain")
        #expect(try ProxyEnvironment([:]).proxy(scheme: "https", host: "x") == nil)
    }

    @Test(arguments: [
        ("localhost", true), ("api.internal.corp", true), ("internal.corp", true), ("notinternal.corp", false),
        ("10.1.2.3", true), ("api.openai.com", false), ("::1", true),
    ])
    func noProxyMatchesHostsDomainsAndAddresses(host: String, bypassed: Bool) throws {
        let env = ProxyEnvironment([
            "HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost, .internal.corp,10.1.2.3:443,[::1]",
        ])
        #expect((try env.proxy(scheme: "https", host: host) == nil) == bypassed)
    }

    @Test func aStarBypassesEverything() throws {
        let env = ProxyEnvironment(["HTTP_PROXY": "http://proxy:3128", "no_proxy": "*"])
        #expect(try env.proxy(scheme: "http", host: "anything.example") == nil)
    }

    @Test func aTargetPrefersItsProvidersProxyAndRefusesAnUnreadableOne() throws {
        let env = ProxyEnvironment(["HTTPS_PROXY": "http://envproxy:1"])
        let own = UpstreamTarget(url: "https://api.example/v1", headers: [], proxy: "http://own:2", environment: env)
        #expect(try own.prepared.get().proxy?.host == "own")
        let inherited = UpstreamTarget(url: "https://api.example/v1", headers: [], environment: env)
        #expect(try inherited.prepared.get().proxy?.host == "envproxy")
        let broken = UpstreamTarget(url: "https://api.example/v1", headers: [], proxy: "ftp://x:1", environment: env)
        #expect(throws: UpstreamError.self) { try broken.prepared.get() }
    }
}
