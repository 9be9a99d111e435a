import PlexusCore
import PlexusRouting
import Testing

private let secretsYAML = """
    providers:
      ref: { api_base_url: mock://, api_key: "${REF_KEY}" }
      fallback: { api_base_url: mock://, api_key: "${REF_KEY:-dev-key}" }
      literal: { api_base_url: mock://, api_key: sk-literal-123 }
      mixed: { api_base_url: mock://, api_key: "prefix-${REF_KEY}" }
      numeric: { api_base_url: mock://, api_key: 12345 }
      none: { api_base_url: mock:// }
      empty: { api_base_url: mock://, api_key: }
    keys:
      ref: { secret: "${KEY_A}" }
      literal: { secret: plain-secret }
      hashed: { secret_sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad }

    """

private let secretsEnvironment = ["REF_KEY": "sk-from-env", "KEY_A": "key-a"]

@Suite struct ConfigWriteSecretTests {
    @Test(arguments: [
        (ConfigSection.providers, "ref", "api_key", JSONValue.string("${REF_KEY}")),
        (.providers, "fallback", "api_key", "${REF_KEY:-dev-key}"),
        (.providers, "literal", "api_key", "****"),
        (.providers, "mixed", "api_key", "****"),
        (.providers, "numeric", "api_key", "****"),
        (.providers, "empty", "api_key", nil),
        (.keys, "ref", "secret", "${KEY_A}"),
        (.keys, "literal", "secret", "****"),
        (.keys, "hashed", "secret_sha256", "****"),
    ])
    func secretsAreMasked(section: ConfigSection, name: String, field: String, shown: JSONValue) throws {
        let document = try ConfigDocument(yaml: secretsYAML)
        #expect(document.entity(section, name)?[field] == shown)
    }

    @Test func maskedFieldsOnlyWhereTheyAreSecrets() throws {
        let document = try ConfigDocument(yaml: secretsYAML)
        #expect(document.entity(.providers, "none")?["api_key"] == nil)
        #expect(document.entity(.keys, "hashed") == ["secret_sha256": "****"])
        let models = try ConfigDocument(yaml: "models:\n  m: { secret: visible, api_key: visible }\n")
        #expect(models.entity(.models, "m") == ["secret": "visible", "api_key": "visible"])
    }

    @Test(arguments: [
        (ConfigSection.providers, "literal", "api_key"), (.providers, "ref", "api_key"), (.keys, "literal", "secret"),
        (.keys, "hashed", "secret_sha256"),
    ])
    func maskKeepsTheNodeInTheFile(section: ConfigSection, name: String, field: String) throws {
        let original = try ConfigDocument(yaml: secretsYAML)
        var document = original
        var value = try #require(document.entity(section, name)?.objectValue)
        value["comment"] = section == .keys ? "edited" : nil
        value["timeout_seconds"] = section == .providers ? 9 : nil
        try document.setEntity(section, name, .object(value))
        #expect(document.entity(section, name) == .object(value))
        let before = try reload(original.text(), secretsEnvironment)
        let after = try reload(document.text(), secretsEnvironment)
        switch section {
        case .providers:
            #expect(after.provider(named: name)?.apiKey == before.provider(named: name)?.apiKey)
            #expect(after.provider(named: name)?.timeoutSeconds == 9)
        case .keys:
            #expect(after.key(named: name)?.secret == before.key(named: name)?.secret)
            #expect(after.key(named: name)?.secretDigest == before.key(named: name)?.secretDigest)
            #expect(after.key(named: name)?.comment == "edited")
        case .models:
            Issue.record("no secrets in models")
        }
    }

    @Test func mergedSecretsAreMaskedToo() throws {
        let yaml = """
            providers:
              a: &base { api_base_url: mock://, api_key: sk-merged-literal, timeout_seconds: 30 }
              b:
                timeout_seconds: 60
                <<: *base

            """
        var document = try ConfigDocument(yaml: yaml)
        #expect(
            document.entity(.providers, "b") == [
                "timeout_seconds": 60, "api_base_url": "mock://", "api_key": "****",
            ])
        try document.setEntity(.providers, "b", ["api_base_url": "mock://", "api_key": "****"])
        #expect(try reload(document.text()).provider(named: "b")?.apiKey == "sk-merged-literal")
        #expect(try reload(document.text()).provider(named: "a") == reload(yaml).provider(named: "a"))
    }

    @Test func literalSecretStaysOnlyWhereItWas() throws {
        var document = try ConfigDocument(yaml: secretsYAML)
        try document.setEntity(.providers, "literal", ["api_base_url": "mock://", "api_key": "****"])
        #expect(document.text().contains("api_key: sk-literal-123"))
        #expect(try reload(document.text(), secretsEnvironment).provider(named: "literal")?.apiKey == "sk-literal-123")
    }

    @Test(arguments: [
        (ConfigSection.providers, "none", "api_key"), (.providers, "empty", "api_key"), (.providers, "new", "api_key"),
        (.keys, "new", "secret"), (.keys, "hashed", "secret"), (.keys, "ref", "secret_sha256"),
    ])
    func maskWithoutACurrentValueIsRefused(section: ConfigSection, name: String, field: String) throws {
        var document = try ConfigDocument(yaml: secretsYAML)
        let error = editError { () throws(ConfigEditError) in
            try document.setEntity(section, name, .object(JSONObject([(field, "****")])))
        }
        #expect(error?.code == .missingSecret)
        #expect(error?.message.contains("\(section.rawValue).\(name).\(field)") == true)
        #expect(document == (try ConfigDocument(yaml: secretsYAML)))
    }

    @Test(arguments: [
        JSONValue.string("sk-live-abc"), "${REF_KEY}suffix", "${A}${B}", "${1BAD}", "${}", "$REF_KEY", "", 42, true,
        ["${REF_KEY}"], ["ref": "${REF_KEY}"],
    ])
    func literalSecretsAreRefused(_ secret: JSONValue) throws {
        var document = try ConfigDocument(yaml: secretsYAML)
        for (section, field) in [(ConfigSection.providers, "api_key"), (.keys, "secret")] {
            let error = editError { () throws(ConfigEditError) in
                try document.setEntity(section, "ref", .object(JSONObject([(field, secret)])))
            }
            #expect(error?.code == .literalSecret)
            #expect(error?.message.contains("\(section.rawValue).ref.\(field)") == true)
            if case .string(let text) = secret, !text.isEmpty { #expect(error?.message.contains(text) == false) }
        }
    }

    @Test func nullSecretIsNoSecret() throws {
        var document = try ConfigDocument(yaml: secretsYAML)
        try document.setEntity(.providers, "ref", ["api_base_url": "mock://", "api_key": nil])
        #expect(try reload(document.text(), secretsEnvironment).provider(named: "ref")?.apiKey == nil)
    }

    @Test func keyDigestReplacesTheSecretInPlace() throws {
        let yaml = "keys:\n  a:\n    comment: x\n    secret: ${KEY_A}\n    allowed_models: []\n"
        var document = try ConfigDocument(yaml: yaml)
        let hex = String(repeating: "0f", count: 32)
        document.setKeyDigest("a", sha256Hex: hex)
        #expect(document.text() == "keys:\n  a:\n    comment: x\n    secret_sha256: \(hex)\n    allowed_models: []\n")
        let key = try reload(document.text()).key(named: "a")
        #expect(key?.secret == "" && key?.secretDigest == Array(repeating: 0x0f, count: 32))
        #expect(document.entity(.keys, "a")?["secret_sha256"] == "****")
    }

    @Test func keyDigestCreatesTheKey() throws {
        var document = try ConfigDocument(yaml: "")
        try document.setEntity(.keys, "gen", ["comment": "generated"])
        document.setKeyDigest("gen", sha256Hex: String(repeating: "1", count: 64))
        document.setKeyDigest("other", sha256Hex: String(repeating: "2", count: 64))
        // An all-digit digest would read as a number if written plain.
        #expect(document.text().contains("secret_sha256: \"1111"))
        let keys = try reload(document.text()).keys
        #expect(keys.map(\.name) == ["gen", "other"])
        #expect(keys.map { $0.secretDigest?.first } == [0x11, 0x22])
        #expect(keys.first?.comment == "generated")
    }

    @Test(arguments: [
        ("${A}", true), ("${A_1:-}", true), ("${a:-x y}", true), ("${A:-${B}", true), ("${A}${B}", false),
        ("${A} ", false), ("x${A}", false), ("${1A}", false), ("${}", false), ("${A:-x}}", false), ("$A", false),
    ])
    func pureReferences(text: String, pure: Bool) {
        #expect(ConfigDocument.isPureReference(text) == pure)
    }
}
