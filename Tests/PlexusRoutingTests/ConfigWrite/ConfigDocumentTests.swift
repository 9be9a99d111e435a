import PlexusCore
import PlexusRouting
import Testing

private let entityCases: [EntityCase] = [
    EntityCase(
        section: .providers, name: "extra",
        json: [
            "display_name": "Extra",
            "api_base_url": ["chat": "https://x.example/v1", "messages": "https://x.example/a"],
            "api_key": "${EXTRA_KEY}", "enabled": true, "headers": ["X-Team": "007"],
            "extra_body": ["temperature": 0.4, "stop": ["END"], "tiny": 1e-5, "big": 1.5e20, "n": nil],
            "timeout_seconds": 120, "discount": 0.1,
            "models": [
                "m1": ["pricing": ["source": "simple", "input": 1, "output": 2.5], "access_via": ["chat"]], "m2": [:],
            ],
        ],
        yaml: """
                display_name: Extra
                api_base_url: { chat: https://x.example/v1, messages: https://x.example/a }
                api_key: ${EXTRA_KEY}
                enabled: true
                headers: { X-Team: "007" }
                extra_body: { temperature: 0.4, stop: [END], tiny: 0.00001, big: 1.5e+20, n: null }
                timeout_seconds: 120
                discount: 0.1
                models:
                  m1: { pricing: { source: simple, input: 1, output: 2.5 }, access_via: [chat] }
                  m2: {}

            """),
    EntityCase(
        section: .providers, name: "listed",
        json: [
            "api_base_url": "https://api.anthropic.com/v1", "api_key": "${UNSET_KEY:-fallback}",
            "models": ["claude-a", "claude-b"],
        ],
        yaml: "    api_base_url: https://api.anthropic.com/v1\n    api_key: ${UNSET_KEY:-fallback}\n"
            + "    models: [claude-a, claude-b]\n"),
    EntityCase(
        section: .models, name: "smart",
        json: [
            "additional_aliases": ["gpt-4o", "true"], "selector": "cost", "priority": "api_match",
            "targets": [
                ["provider": "demo", "model": "demo-fast", "weight": 2],
                ["provider": "demo", "model": "demo-slow", "enabled": false],
            ],
            "fallback": "fast",
        ],
        yaml: """
                additional_aliases: [gpt-4o, "true"]
                selector: cost
                priority: api_match
                targets:
                  - { provider: demo, model: demo-fast, weight: 2 }
                  - { provider: demo, model: demo-slow, enabled: false }
                fallback: fast

            """),
    EntityCase(
        section: .keys, name: "ci",
        json: [
            "secret": "${NEW_KEY}", "comment": "007", "allowed_models": ["fast"], "expires_at": "2027-01-01T00:00:00Z",
        ],
        yaml: "    secret: ${NEW_KEY}\n    comment: \"007\"\n    allowed_models: [fast]\n"
            + "    expires_at: 2027-01-01T00:00:00Z\n"),
]

@Suite struct ConfigWriteDocumentTests {
    @Test(arguments: entityCases)
    func setThenReadGivesTheSameJSON(_ c: EntityCase) throws {
        var document = try ConfigDocument(yaml: documentYAML())
        try document.setEntity(c.section, c.name, c.json)
        #expect(document.entity(c.section, c.name) == c.json)
        #expect(document.names(c.section).last == c.name)
        // And again after a trip through the text.
        let reread = try ConfigDocument(yaml: document.text())
        #expect(reread.entity(c.section, c.name) == c.json)
        #expect(reread == document)
    }

    @Test(arguments: entityCases)
    func textReloadsToTheHandWrittenConfig(_ c: EntityCase) throws {
        var document = try ConfigDocument(yaml: documentYAML())
        try document.setEntity(c.section, c.name, c.json)
        #expect(try reload(document.text()) == reload(documentYAML(adding: c)))
    }

    @Test(arguments: [fullExampleYAML, documentYAML(adding: entityCases[0]), otherFormsYAML, anchorsYAML, ""])
    func untouchedDocumentReloadsToTheSameConfig(_ yaml: String) throws {
        let text = try ConfigDocument(yaml: yaml).text()
        #expect(try reload(text) == reload(yaml))
    }

    @Test func referencesAreKeptVerbatim() throws {
        let text = try ConfigDocument(yaml: fullExampleYAML).text()
        for line in [
            "admin_key: ${PLEXUS_ADMIN_KEY}", "api_key: ${OPENAI_API_KEY}", "api_key: ${HUB_KEY}",
            "secret: ${LAPTOP_KEY}",
        ] {
            #expect(text.contains(line), "\(line)")
        }
        for value in writeEnvironment.values { #expect(!text.contains(value), "\(value)") }
        #expect(!text.contains("#"))
    }

    @Test func textIsBlockStyleInDocumentOrder() throws {
        let text = try ConfigDocument(yaml: "b: { y: 1, x: [2, 3] }\na: {}\n").text()
        #expect(text == "b:\n  y: 1\n  x:\n  - 2\n  - 3\na: {}\n")
    }

    @Test(arguments: ConfigSection.allCases)
    func replacingKeepsThePosition(_ section: ConfigSection) throws {
        var document = try ConfigDocument(yaml: fullExampleYAML)
        let names = document.names(section)
        let first = try #require(names.first)
        var value = try #require(document.entity(section, first)?.objectValue)
        value["comment"] = section == .keys ? "changed" : nil
        if section == .models { value["selector"] = "latency" }
        if section == .providers { value["timeout_seconds"] = 5 }
        try document.setEntity(section, first, .object(value))
        #expect(document.names(section) == names)
        #expect(document.entity(section, first) == .object(value))
    }

    @Test func readsScalarsByTheirYAMLType() throws {
        let document = try ConfigDocument(yaml: fullExampleYAML)
        let openai = try #require(document.entity(.providers, "openai"))
        #expect(openai["enabled"] == true)
        #expect(openai["timeout_seconds"] == 300)
        #expect(openai["headers"] == ["OpenAI-Organization": "org-123"])
        #expect(openai["models"]?["gpt-4.1-mini"]?["pricing"]?["cached"] == 0.1)
        #expect(openai["models"]?["gpt-4.1"] == [:])
        #expect(document.entity(.providers, "gemini")?["models"] == ["gemini-2.5-flash", "gemini-2.5-pro"])
        let tiers = document.entity(.providers, "anthropic")?["models"]?["claude-sonnet-4-5"]?["pricing"]?["tiers"]
        #expect(tiers?.arrayValue?.map { $0["up_to"] } == [200_000, .null])
        #expect(document.entity(.keys, "laptop")?["expires_at"] == "2027-01-01T00:00:00Z")
        #expect(document.names(.providers) == ["openai", "anthropic", "gemini", "hub", "demo"])
        #expect(document.names(.models) == ["smart", "fast"])
        #expect(document.entity(.models, "nope") == nil)
    }

    @Test(arguments: [
        "true", "false", "yes", "007", "12", "-3", "0x1F", "1e3", "1.5", ".inf", "null", "~", "",
        "<<", "=", "12:30", "2027-01-01", "plain text", "${X}", " padded ", "a: b", "- item", "#hash", "line\nbreak",
    ])
    func ambiguousStringsSurviveReload(_ text: String) throws {
        var document = try ConfigDocument(yaml: documentYAML())
        try document.setEntity(.providers, "p", ["display_name": .string(text), "api_base_url": "mock://"])
        let yaml = document.text()
        #expect(try ConfigDocument(yaml: yaml).entity(.providers, "p")?["display_name"] == .string(text))
        let environment = writeEnvironment.merging(["X": "x"]) { a, _ in a }
        let expected = text == "${X}" ? "x" : text
        #expect(try reload(yaml, environment).provider(named: "p")?.displayName == expected)
    }

    @Test func entityNamesThatLookLikeOtherTypesStayStrings() throws {
        var document = try ConfigDocument(yaml: documentYAML())
        try document.setEntity(.keys, "123", ["secret": "${NEW_KEY}"])
        try document.setEntity(.keys, "null", ["secret": "${EXTRA_KEY}"])
        #expect(try reload(document.text()).keys.map(\.name) == ["laptop", "123", "null"])
    }

    @Test func remove() throws {
        var document = try ConfigDocument(yaml: fullExampleYAML)
        let removed = [
            document.removeEntity(.providers, "hub"), document.removeEntity(.providers, "hub"),
            document.removeEntity(.keys, "nobody"), document.removeEntity(.keys, "laptop"),
        ]
        #expect(removed == [true, false, false, true])
        #expect(document.names(.providers) == ["openai", "anthropic", "gemini", "demo"])
        #expect(document.entity(.providers, "hub") == nil)
        #expect(document.names(.keys).isEmpty)
        // `smart` targets hub: the edit is accepted here and refused by validation, as the server does.
        #expect(throws: ConfigError.self) { try reload(document.text()) }
        let aliases = [document.removeEntity(.models, "smart"), document.removeEntity(.models, "fast")]
        #expect(aliases == [true, true])
        let config = try reload(document.text())
        #expect(config.provider(named: "hub") == nil && config.keys.isEmpty && config.models.isEmpty)
    }

    @Test func unknownSection() throws {
        #expect(try ConfigSection(parsing: "keys") == .keys)
        let error = editError { () throws(ConfigEditError) in _ = try ConfigSection(parsing: "widgets") }
        let message = "unknown section 'widgets' (expected one of: providers, models, keys)"
        #expect(error == ConfigEditError(.notFound, message))
    }

    @Test(arguments: [
        ("server:\n  port: [1, 2\n", ConfigEditError.Code.malformed, "line 3: invalid YAML:"),
        ("- a\n- b\n", .notMapping, "the document is not a mapping of sections"),
        ("just text\n", .notMapping, "the document is not a mapping of sections"),
        ("? [a, b]\n: c\n", .malformed, "the document has a non-scalar key"),
    ])
    func unusableDocuments(yaml: String, code: ConfigEditError.Code, message: String) {
        let error = editError { () throws(ConfigEditError) in _ = try ConfigDocument(yaml: yaml) }
        #expect(error?.code == code)
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test func emptyAndCommentOnlyDocuments() throws {
        for yaml in ["", "# nothing yet\n", "~\n"] {
            let document = try ConfigDocument(yaml: yaml)
            #expect(ConfigSection.allCases.allSatisfy { document.names($0).isEmpty })
            #expect(document.text() == "{}\n")
        }
    }

    @Test func entitiesMustBeObjectsInMappingSections() throws {
        var document = try ConfigDocument(yaml: "providers: [a, b]\nkeys:\n")
        let notObject = editError { () throws(ConfigEditError) in try document.setEntity(.keys, "k", "text") }
        #expect(notObject == ConfigEditError(.notMapping, "keys.k must be an object"))
        let listSection = editError { () throws(ConfigEditError) in
            try document.setEntity(.providers, "p", ["api_base_url": "mock://"])
        }
        #expect(listSection == ConfigEditError(.notMapping, "section 'providers' is not a mapping of names"))
        #expect(document.names(.providers).isEmpty)
        try document.setEntity(.keys, "k", ["secret": "${NEW_KEY}"])
        try document.setEntity(.models, "m", ["targets": []])
        #expect(
            document.text()
                == "providers:\n- a\n- b\nkeys:\n  k:\n    secret: ${NEW_KEY}\nmodels:\n  m:\n    targets: []\n")
    }

    @Test func setPathCreatesSections() throws {
        var document = try ConfigDocument(yaml: "")
        document.set(["debug", "capture"], true)
        document.set(["server", "port"], 8080)
        #expect(document.text() == "debug:\n  capture: true\nserver:\n  port: 8080\n")
        let config = try reload(document.text())
        #expect(config.debug.capture && config.server.port == 8080)
    }

    @Test func setPathKeepsNeighboursAndOrder() throws {
        var document = try ConfigDocument(yaml: fullExampleYAML)
        document.set(["debug", "capture"], true)
        document.set(["routing", "exploration_rate"], 0.2)
        let config = try reload(document.text())
        #expect(config.debug.capture && config.debug.captureOnError)
        #expect(config.routing.explorationRate == 0.2)
        let sections = document.text().split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("-") }
        #expect(
            sections == [
                "server:", "storage:", "failover:", "cooldown:", "routing:", "debug:", "pricing:", "providers:",
                "models:",
                "keys:",
            ])
    }

    @Test func setPathThroughNullAndScalars() throws {
        var document = try ConfigDocument(yaml: "debug:\nrouting: 3\n")
        document.set(["debug", "capture"], true)
        document.set(["routing", "sticky_sessions"], false)
        document.set([], "ignored")
        #expect(document.text() == "debug:\n  capture: true\nrouting:\n  sticky_sessions: false\n")
    }
}

private let otherFormsYAML = """
    server: { port: 8080, cors_origins: [https://app.example.com], allow_anonymous: yes, admin_key: "" }
    storage: { url: "postgres://u:p@db:5432/plexus" }
    providers:
      local:
        display_name: |
          Local
          box
        api_base_url: http://localhost:11434/v1/
        extra_body: { options: { num_ctx: 8192 }, tags: [a, 1, true, null], at: 2027-01-01 }
        discount: 0.25
        models:
          m1: { pricing: { input: 1, output: 2 } }
          m2: { pricing: { source: per_request, amount: 0.01 } }
          m3:
    models:
      a:
        selector: in_order
        targets: [{ provider: local, model: m1 }]

    """

private let anchorsYAML = """
    providers:
      a: &common
        api_base_url: https://hub.example/v1
        timeout_seconds: 30
        models: [m]
      b:
        <<: *common
        timeout_seconds: 60
    models:
      x:
        targets:
          - &t { provider: a, model: m }
          - { <<: *t, provider: b }

    """
