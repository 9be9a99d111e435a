import PlexusRouting
import Testing

@Suite struct EnvironmentExpansionTests {
    @Test(arguments: [
        ("${A}", "alpha", true),
        ("pre-${A}-post", "pre-alpha-post", true),
        ("${A}${B}", "alphabeta", true),
        ("${UNSET:-fallback}", "fallback", true),
        ("${EMPTY:-fallback}", "fallback", true),
        ("${A:-fallback}", "alpha", true),
        ("${UNSET:-}", "", true),
        ("${UNSET:-with spaces and : colons}", "with spaces and : colons", true),
        ("$${A}", "${A}", true),
        ("plain $A text", "plain $A text", false),
        ("no refs", "no refs", false),
    ])
    func expansion(input: String, expected: String, hadReference: Bool) {
        let result = EnvironmentExpander.expand(input, environment: ["A": "alpha", "B": "beta", "EMPTY": ""])
        #expect(result.text == expected)
        #expect(result.hadReference == hadReference)
        #expect(result.missing.isEmpty)
        #expect(result.malformed == nil)
    }

    @Test(arguments: ["${UNTERMINATED", "${}", "${1ABC}", "${A-B}"])
    func malformed(input: String) {
        #expect(EnvironmentExpander.expand(input, environment: [:]).malformed != nil)
    }

    @Test func unsetWithoutDefaultIsMissing() {
        let result = EnvironmentExpander.expand("x-${NOPE}-${ALSO}", environment: [:])
        #expect(result.missing == ["NOPE", "ALSO"])
        #expect(result.text == "x--")
    }

    @Test func expandsEverywhereInTheFile() throws {
        let yaml = """
            server:
              host: ${HOST:-0.0.0.0}
              port: ${PORT}
              allow_anonymous: ${ANON:-false}
            providers:
              p:
                api_base_url: https://${GATEWAY_HOST}/v1
                api_key: Bearer-${TOKEN}
                headers: { X-Team: "${TEAM:-core}" }
                extra_body: { user: "${USER_TAG}" }
                timeout_seconds: ${TIMEOUT:-12.5}

            """
        let env = ["PORT": "9000", "GATEWAY_HOST": "gw.example.com", "TOKEN": "t0k", "USER_TAG": "plexus"]
        let config = try load(yaml, env)
        #expect(config.server.host == "0.0.0.0")
        #expect(config.server.port == 9000)
        #expect(config.server.allowAnonymous == false)
        let p = try #require(config.provider(named: "p"))
        #expect(p.baseURLs == [.chat: "https://gw.example.com/v1"])
        #expect(p.apiKey == "Bearer-t0k")
        #expect(p.apiKeyReference == "Bearer-${TOKEN}")
        #expect(p.headers == ["X-Team": "core"])
        #expect(p.extraBody["user"] == "plexus")
        #expect(p.timeoutSeconds == 12.5)
        #expect(
            config.environmentReferences == [
                "server.host": "${HOST:-0.0.0.0}", "server.port": "${PORT}", "server.allow_anonymous": "${ANON:-false}",
                "providers.p.api_base_url": "https://${GATEWAY_HOST}/v1", "providers.p.api_key": "Bearer-${TOKEN}",
                "providers.p.headers.X-Team": "${TEAM:-core}", "providers.p.extra_body.user": "${USER_TAG}",
                "providers.p.timeout_seconds": "${TIMEOUT:-12.5}",
            ])
    }

    @Test func unsetVariableIsAnErrorWithPathAndLine() {
        let yaml = """
            providers:
              openai:
                api_base_url: https://api.openai.com/v1
                api_key: ${OPENAI_API_KEY}

            """
        let found = problems(yaml)
        #expect(
            found == [
                ConfigProblem(
                    path: "providers.openai.api_key", line: 4, column: 14,
                    message: "environment variable ${OPENAI_API_KEY} is not set and has no default")
            ])
    }

    @Test func unsetVariableInsideDisabledProviderIsAllowed() throws {
        let yaml = """
            providers:
              off:
                enabled: false
                api_base_url: https://api.openai.com/v1
                api_key: ${NOT_ON_THIS_MACHINE}
              on:
                api_base_url: mock://

            """
        let config = try load(yaml)
        let off = try #require(config.provider(named: "off"))
        #expect(off.enabled == false)
        #expect(off.apiKey == "")
        #expect(off.apiKeyReference == "${NOT_ON_THIS_MACHINE}")
        // The leniency ends with the disabled provider.
        let after = problems(yaml + "server: { admin_key: \"${MISSING_ADMIN}\" }\n")
        #expect(after.map(\.path) == ["server.admin_key"])
    }

    @Test func secretsFromReferencesAreNotEchoedInTypeErrors() {
        let found = problems("server:\n  port: ${PORT}\n", ["PORT": "s3cr3t-value"])
        #expect(found.count == 1)
        #expect(found.first?.path == "server.port")
        #expect(found.first?.message.contains("s3cr3t") == false)
    }
}
