import PlexusCore
import PlexusRouting
import Testing

@Suite("Model patterns")
struct ModelPatternTests {
    @Test(
        "matching",
        arguments: [
            ("claude-*", "claude-sonnet-4-5-20250929", true),
            ("claude-*", "claude-", true),
            ("claude-*", "claud", false),
            ("claude-*", "anthropic/claude-x", false),
            ("*-mini", "gpt-4.1-mini", true),
            ("*-mini", "gpt-4.1-mini-2025", false),
            ("gpt-*-mini*", "gpt-4.1-mini-2025-04-14", true),
            ("gpt-*-mini*", "gpt-mini", false),
            ("a*b*a", "aba", true),
            ("a*b*a", "aa", false),
            ("*", "", true),
            ("exact", "exact", true),
        ])
    func matching(pattern: String, name: String, expected: Bool) {
        #expect(ModelPattern(pattern).matches(name) == expected)
    }

    @Test(
        "overlap: some name matches both",
        arguments: [
            ("claude-*", "claude-haiku-*", true),
            ("claude-*", "*-20250929", true),
            ("claude-*", "gpt-*", false),
            ("*-mini", "*-nano", false),
            ("a*", "*b", true),
            ("ab*", "*ba", true),
            ("x*y", "x*z", false),
            ("gemini-*-flash", "gemini-2.5-*", true),
        ])
    func overlap(a: String, b: String, expected: Bool) {
        #expect(ModelPattern(a).overlaps(ModelPattern(b)) == expected)
        #expect(ModelPattern(b).overlaps(ModelPattern(a)) == expected)
    }

    static let yaml = """
        providers:
          anthropic: {api_base_url: https://api.anthropic.com/v1, api_key: k, models: [claude-sonnet-4-5]}
          openai: {api_base_url: https://api.openai.com/v1, api_key: k}
        models:
          claude:
            patterns: ["claude-*"]
            targets:
              - {provider: anthropic, model: "*"}
              - {provider: anthropic, model: claude-sonnet-4-5}
          mini:
            patterns: ["gpt-*-mini"]
            targets: [{provider: openai, model: "*"}]
          plain:
            targets: [{provider: openai, model: gpt-4.1}]
        keys:
          only-claude: {secret: s1, allowed_models: [claude]}
        """

    @Test("a dated id resolves through its alias's pattern, and '*' targets send it")
    func resolution() throws {
        let config = try load(Self.yaml)
        let resolver = AliasResolver(config: config)
        let claude = try #require(config.alias(named: "claude"))
        #expect(
            resolver.resolve(name: "claude-haiku-4-5-20251001", key: nil)
                == .pattern(claude, requested: "claude-haiku-4-5-20251001"))
        #expect(resolver.resolve(name: "claude", key: nil) == .alias(claude))
        let models = resolver.candidates(for: claude, requested: "claude-haiku-4-5-20251001").map(\.target.model)
        #expect(models == ["claude-haiku-4-5-20251001", "claude-sonnet-4-5"])
        // By its own name the '*' target has no model and is left out.
        #expect(resolver.candidates(for: claude).map(\.target.model) == ["claude-sonnet-4-5"])
        // allowed_models applies to the alias a pattern reaches.
        let key = try #require(config.keys.first { $0.name == "only-claude" })
        #expect(resolver.resolve(name: "claude-opus-4-1", key: key) == .pattern(claude, requested: "claude-opus-4-1"))
        guard case .notAllowed = resolver.resolve(name: "gpt-4.1-mini", key: key) else {
            Issue.record("a key limited to claude reached mini")
            return
        }
        guard case .notFound = resolver.resolve(name: "gpt-4.1", key: nil) else {
            Issue.record("gpt-4.1 should match nothing")
            return
        }
    }

    @Test(
        "validation: overlapping patterns, a pattern without '*', and '*' without patterns",
        arguments: [
            (
                "models:\n  a: {patterns: ['claude-*'], targets: [{provider: p, model: '*'}]}\n"
                    + "  b: {patterns: ['*-20250929'], targets: [{provider: p, model: '*'}]}\n", "models.b.patterns[0]"
            ),
            ("models:\n  a: {patterns: ['claude'], targets: [{provider: p, model: x}]}\n", "models.a.patterns[0]"),
            ("models:\n  a: {targets: [{provider: p, model: '*'}]}\n", "models.a.targets[0].model"),
        ])
    func validation(models: String, path: String) {
        let yaml = "providers:\n  p: {api_base_url: https://x.example/v1, api_key: k}\n" + models
        do {
            _ = try load(yaml)
            Issue.record("accepted: \(models)")
        } catch {
            #expect("\(error)".contains(path), "\(error)")
        }
    }
}
