import PlexusRouting
import Testing

/// One broken config and the single problem it must produce.
struct ProblemCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var path: String
    var line: Int?
    var message: String

    var testDescription: String { name }
}

/// Valid providers and aliases for the problem cases to refer to (lines 1-14).
private let base = """
    providers:
      openai:
        api_base_url: https://api.openai.com/v1
        models: [gpt-4.1, gpt-4.1-mini]
      anthropic:
        api_base_url: https://api.anthropic.com/v1
        models:
          claude: {}
      open:
        api_base_url: mock://
    models:
      smart:
        targets:
          - { provider: openai, model: gpt-4.1 }

    """

private let problemCases: [ProblemCase] = [
    ProblemCase(
        name: "unknown top-level key", yaml: base + "sever: {}\n",
        path: "sever", line: 15, message: "unknown key 'sever' (did you mean 'server'?)"),
    ProblemCase(
        name: "unknown nested key with hint", yaml: "server:\n  prot: 1\n" + base,
        path: "server.prot", line: 2, message: "unknown key 'prot' (did you mean 'port'?)"),
    ProblemCase(
        name: "unknown alias key", yaml: base + "    api_kee: x\n",
        path: "models.smart.api_kee", line: 15, message: "unknown key 'api_kee'"),
    ProblemCase(
        name: "wrong type number", yaml: "server:\n  port: abc\n" + base,
        path: "server.port", line: 2, message: "expected an integer, got \"abc\""),
    ProblemCase(
        name: "wrong type bool", yaml: "debug:\n  capture: maybe\n" + base,
        path: "debug.capture", line: 2, message: "expected true or false, got \"maybe\""),
    ProblemCase(
        name: "wrong type mapping", yaml: "routing: [1]\n" + base,
        path: "routing", line: 1, message: "expected a mapping, got a list"),
    ProblemCase(
        name: "wrong type list", yaml: "server:\n  cors_origins: nope\n" + base,
        path: "server.cors_origins", line: 2, message: "expected a list, got \"nope\""),
    ProblemCase(
        name: "quoted number is a string", yaml: "cooldown:\n  max_seconds: \"60\"\n" + base,
        path: "cooldown.max_seconds", line: 2, message: "expected a number, got \"60\""),
    ProblemCase(
        name: "bad storage scheme", yaml: "storage:\n  url: mysql://db/plexus\n" + base,
        path: "storage.url", line: 2, message: "unsupported storage url (expected sqlite://PATH or postgres://…)"),
    ProblemCase(
        name: "unknown provider in target", yaml: base + "      - { provider: nobody, model: x }\n",
        path: "models.smart.targets[1].provider", line: 15, message: "unknown provider 'nobody'"),
    ProblemCase(
        name: "model not listed on provider", yaml: base + "      - { provider: openai, model: gpt-5 }\n",
        path: "models.smart.targets[1].model", line: 15,
        message: "provider 'openai' does not list model 'gpt-5' in its models"),
    ProblemCase(
        name: "weight not positive", yaml: base + "      - { provider: open, model: x, weight: 0 }\n",
        path: "models.smart.targets[1].weight", line: 15, message: "must be greater than 0"),
    ProblemCase(
        name: "duplicate target", yaml: base + "      - { provider: openai, model: gpt-4.1 }\n",
        path: "models.smart.targets[1]", line: 15, message: "duplicate target openai/gpt-4.1"),
    ProblemCase(
        name: "missing target model", yaml: base + "      - { provider: openai }\n",
        path: "models.smart.targets[1].model", line: 15, message: "missing required key 'model'"),
    ProblemCase(
        name: "unknown selector", yaml: base + "    selector: fastest\n",
        path: "models.smart.selector", line: 15,
        message: "unknown selector 'fastest' (expected one of: random, in_order, cost, latency, performance)"),
    ProblemCase(
        name: "unknown fallback", yaml: base + "    fallback: nowhere\n",
        path: "models.smart.fallback", line: 15, message: "unknown alias 'nowhere'"),
    ProblemCase(
        name: "self fallback", yaml: base + "    fallback: smart\n",
        path: "models.smart.fallback", line: 15, message: "fallback cycle: smart -> smart"),
    ProblemCase(
        name: "fallback cycle",
        yaml: base + "    fallback: b\n  b:\n    fallback: smart\n    targets: [{ provider: open, model: y }]\n",
        path: "models.smart.fallback", line: 15, message: "fallback cycle: smart -> b -> smart"),
    ProblemCase(
        name: "additional alias clashes with alias",
        yaml: base + "  b:\n    additional_aliases: [smart]\n    targets: [{ provider: open, model: y }]\n",
        path: "models.b.additional_aliases[0]", line: 16,
        message: "duplicate model name 'smart' (already used by alias 'smart')"),
    ProblemCase(
        name: "reserved direct prefix", yaml: base + "    additional_aliases: [direct/x]\n",
        path: "models.smart.additional_aliases[0]", line: 15,
        message: "'direct/x': names starting with direct/ are reserved"),
    ProblemCase(
        name: "alias without targets", yaml: base + "  empty: {}\n",
        path: "models.empty.targets", line: 15, message: "an alias needs at least one target (or a fallback)"),
    ProblemCase(
        name: "discount out of range", yaml: "providers:\n  p:\n    api_base_url: mock://\n    discount: 1.5\n",
        path: "providers.p.discount", line: 4, message: "must be between 0 and 1"),
    ProblemCase(
        name: "proxy that is not http",
        yaml: "providers:\n  p:\n    api_base_url: mock://\n    proxy: socks5://p:1080\n",
        path: "providers.p.proxy", line: 4,
        message: "expected http://host:port (optionally http://user:password@host:port)"),
    ProblemCase(
        name: "proxy without a port",
        yaml: "providers:\n  p:\n    api_base_url: mock://\n    proxy: http://proxy.corp\n",
        path: "providers.p.proxy", line: 4,
        message: "expected http://host:port (optionally http://user:password@host:port)"),
    ProblemCase(
        name: "missing api_base_url", yaml: "providers:\n  p:\n    api_key: k\n",
        path: "providers.p.api_base_url", line: 2, message: "missing required key 'api_base_url'"),
    ProblemCase(
        name: "unknown protocol in base url map",
        yaml: "providers:\n  p:\n    api_base_url: { completions: https://x.example/v1 }\n",
        path: "providers.p.api_base_url.completions", line: 3,
        message: "unknown protocol 'completions' (expected one of: chat, messages, gemini, responses, embeddings)"),
    ProblemCase(
        name: "base url without scheme", yaml: "providers:\n  p:\n    api_base_url: api.openai.com/v1\n",
        path: "providers.p.api_base_url", line: 3, message: "expected an http(s):// or mock:// URL"),
    ProblemCase(
        name: "provider name with slash", yaml: "providers:\n  a/b:\n    api_base_url: mock://\n",
        path: "providers.a/b", line: 2, message: "provider names must be non-empty and contain no '/'"),
    ProblemCase(
        name: "access_via protocol not offered",
        yaml:
            "providers:\n  p:\n    api_base_url: https://api.openai.com/v1\n    models:\n      m: { access_via: [chat, messages] }\n",
        path: "providers.p.models.m.access_via[1]", line: 5,
        message: "provider 'p' has no messages base URL (it offers: chat, embeddings)"),
    ProblemCase(
        name: "unknown access_via protocol",
        yaml: "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m:\n        access_via: [smoke]\n",
        path: "providers.p.models.m.access_via[0]", line: 6,
        message: "unknown protocol 'smoke' (expected one of: chat, messages, gemini, responses, embeddings)"),
    ProblemCase(
        name: "unknown model type",
        yaml: "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m: { type: vectors }\n",
        path: "providers.p.models.m.type", line: 5,
        message: "unknown model type 'vectors' (expected one of: chat, embeddings)"),
    ProblemCase(
        name: "embedding model where nothing embeds",
        yaml:
            "providers:\n  p:\n    api_base_url: https://api.anthropic.com/v1\n    models:\n      m: { type: embeddings }\n",
        path: "providers.p.models.m.type", line: 5,
        message: "provider 'p' has no URL to embed at (an embeddings, chat or gemini base URL)"),
    ProblemCase(
        name: "alias mixing chat and embedding models",
        yaml:
            "providers:\n  p:\n    api_base_url: mock://\n    models:\n      c: {}\n      e: { type: embeddings }\nmodels:\n  mixed:\n    targets:\n      - { provider: p, model: c }\n      - { provider: p, model: e }\n",
        path: "models.mixed.targets[1].model", line: 11,
        message:
            "'e' serves embeddings but 'c' serves chat: an alias serves one kind (set `type` on the provider's model)"),
    ProblemCase(
        name: "tiers not ordered",
        yaml: tiered(
            "[{ up_to: 100, input: 1, output: 1 }, { up_to: 50, input: 1, output: 1 }, { up_to: null, input: 1, output: 1 }]"
        ),
        path: "providers.p.models.m.pricing.tiers[1].up_to", line: 6,
        message: "tiers must be ordered by increasing up_to"),
    ProblemCase(
        name: "tiers without final null", yaml: tiered("[{ up_to: 100, input: 1, output: 1 }]"),
        path: "providers.p.models.m.pricing.tiers[0].up_to", line: 6,
        message: "the last tier must have up_to: null (no limit)"),
    ProblemCase(
        name: "null tier before the last",
        yaml: tiered("[{ up_to: null, input: 1, output: 1 }, { up_to: null, input: 2, output: 2 }]"),
        path: "providers.p.models.m.pricing.tiers[0].up_to", line: 6, message: "only the last tier may have up_to: null"
    ),
    ProblemCase(
        name: "tier without up_to", yaml: tiered("[{ input: 1, output: 1 }]"),
        path: "providers.p.models.m.pricing.tiers[0].up_to", line: 6, message: "missing required key 'up_to'"),
    ProblemCase(
        name: "unknown pricing source",
        yaml:
            "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m:\n        pricing: { source: magic }\n",
        path: "providers.p.models.m.pricing.source", line: 6,
        message: "unknown pricing source 'magic' (expected one of: simple, tiered, openrouter, per_request)"),
    ProblemCase(
        name: "simple pricing without output",
        yaml:
            "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m:\n        pricing:\n          input: 1\n",
        path: "providers.p.models.m.pricing.output", line: 6, message: "missing required key 'output'"),
    ProblemCase(
        name: "negative price",
        yaml:
            "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m:\n        pricing:\n          input: -1\n          output: 1\n",
        path: "providers.p.models.m.pricing.input", line: 7, message: "must not be negative"),
    ProblemCase(
        name: "empty key secret", yaml: base + "keys:\n  k:\n    secret: \"\"\n",
        path: "keys.k.secret", line: 17, message: "must not be empty"),
    ProblemCase(
        name: "missing key secret", yaml: base + "keys:\n  k:\n    comment: c\n",
        path: "keys.k.secret", line: 16, message: "missing required key 'secret'"),
    ProblemCase(
        name: "duplicate key secret", yaml: base + "keys:\n  a: { secret: same }\n  b: { secret: same }\n",
        path: "keys.b.secret", line: 17, message: "same secret as key 'a'; secrets must be unique"),
    ProblemCase(
        name: "unknown allowed model", yaml: base + "keys:\n  k:\n    secret: s\n    allowed_models: [smart, dumb]\n",
        path: "keys.k.allowed_models[1]", line: 18,
        message:
            "unknown model 'dumb' (not an alias, additional alias, direct/PROVIDER/MODEL or direct/PROVIDER/* of this config)"
    ),
    ProblemCase(
        name: "bad expires_at", yaml: base + "keys:\n  k:\n    secret: s\n    expires_at: soon\n",
        path: "keys.k.expires_at", line: 18, message: "expected an ISO 8601 date-time such as 2027-01-01T00:00:00Z"),
    ProblemCase(
        name: "port out of range", yaml: "server: { port: 70000 }\n",
        path: "server.port", line: 1, message: "must be between 0 and 65535"),
    ProblemCase(
        name: "status code out of range", yaml: "failover:\n  retryable_status_codes: [429, 1000]\n",
        path: "failover.retryable_status_codes[1]", line: 2, message: "1000 is not an HTTP status code"),
    ProblemCase(
        name: "exploration rate out of range", yaml: "routing:\n  exploration_rate: 2\n",
        path: "routing.exploration_rate", line: 2, message: "must be between 0 and 1"),
    ProblemCase(
        name: "yaml syntax", yaml: "server:\n  port: [1, 2\n",
        path: "", line: 3, message: "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence"),
    ProblemCase(
        name: "duplicate yaml key", yaml: "server:\n  port: 1\n  port: 2\n",
        path: "", line: 2, message: "duplicate key 'port'"),
    ProblemCase(
        name: "malformed reference", yaml: "server:\n  host: ${1BAD}\n",
        path: "server.host", line: 2, message: "invalid reference ${1BAD}: expected ${NAME} or ${NAME:-default}"),
]

private func tiered(_ tiers: String) -> String {
    "providers:\n  p:\n    api_base_url: mock://\n    models:\n      m:\n        pricing: { source: tiered, tiers: \(tiers) }\n"
}

@Suite struct ConfigProblemTests {
    @Test func baseIsValid() throws {
        let config = try load(base)
        #expect(config.models.count == 1)
    }

    @Test(arguments: problemCases)
    func reportsProblem(_ c: ProblemCase) {
        let found = problems(c.yaml)
        #expect(found.count == 1, "\(found)")
        let problem = found.first
        #expect(problem?.path == c.path)
        #expect(problem?.line == c.line)
        #expect(problem?.message == c.message)
    }

    @Test func reportsEveryProblemTogetherInFileOrder() {
        let yaml = """
            server:
              port: high
              colour: blue
            providers:
              p:
                api_base_url: mock://
                discount: -1
            models:
              a:
                selector: sometimes
                targets:
                  - { provider: q, model: m, weight: -2 }
            keys:
              k: { secret: "" }

            """
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(yaml: yaml, environment: [:], fileName: "conf/plexus.yaml")
        }
        #expect(
            error?.problems.map(\.path) == [
                "server.port", "server.colour", "providers.p.discount", "models.a.selector",
                "models.a.targets[0].provider", "models.a.targets[0].weight", "keys.k.secret",
            ])
        let lines = error?.description.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 7)
        #expect(lines.first == "conf/plexus.yaml:2: server.port: expected an integer, got \"high\"")
        #expect(lines.last == "conf/plexus.yaml:14: keys.k.secret: must not be empty")
    }

    @Test func renderingWithoutLineOrPath() {
        #expect(ConfigProblem(path: "", message: "bad").rendered(fileName: "f.yaml") == "f.yaml: bad")
        #expect(
            ConfigProblem(path: "a.b", line: 3, message: "bad").rendered(fileName: "f.yaml") == "f.yaml:3: a.b: bad")
    }

    @Test func validatorWorksOnConfigsBuiltInCode() {
        var config = PlexusConfig()
        config.providers = [ProviderConfig(name: "p", baseURLs: [.chat: "https://x.example"], discount: 2)]
        config.models = [AliasConfig(name: "a", targets: [TargetConfig(provider: "p", model: "m")], fallback: "a")]
        #expect(
            ConfigValidator.issues(in: config) == [
                ConfigValidator.Issue("providers.p.discount", "must be between 0 and 1"),
                ConfigValidator.Issue("models.a.fallback", "fallback cycle: a -> a"),
            ])
        config.providers[0].discount = 0
        config.keys = [KeyConfig(name: "k", secret: "1"), KeyConfig(name: "k", secret: "2")]
        config.models[0].fallback = nil
        #expect(ConfigValidator.issues(in: config) == [ConfigValidator.Issue("keys.k", "duplicate name 'k'")])
    }
}
