import PlexusCore
import PlexusRouting
import Testing

/// Variables for the write-back tests' `${NAME}` references.
let writeEnvironment = fullExampleEnvironment.merging([
    "EXTRA_KEY": "sk-extra", "NEW_KEY": "new-secret",
]) { a, _ in a }

/// Sections with one entity each; `documentYAML(adding:)` appends a case's entity written by hand.
func documentYAML(adding entity: EntityCase? = nil) -> String {
    var providers = "providers:\n  demo:\n    api_base_url: mock://\n    models: [demo-fast, demo-slow]\n"
    var models = "models:\n  fast:\n    targets:\n      - { provider: demo, model: demo-fast }\n"
    var keys = "keys:\n  laptop:\n    secret: ${LAPTOP_KEY}\n    comment: my laptop\n"
    if let entity {
        let text = "  \(entity.name):\n" + entity.yaml
        switch entity.section {
        case .providers: providers += text
        case .models: models += text
        case .keys: keys += text
        }
    }
    return "# hand-written\n" + providers + models + keys
}

/// One entity set through the API, and the same entity as a person would write it.
struct EntityCase: CustomTestStringConvertible, Sendable {
    var section: ConfigSection
    var name: String
    var json: JSONValue
    /// The entity's body, indented four spaces.
    var yaml: String

    var testDescription: String { "\(section.rawValue).\(name)" }
}

/// `text` loaded as the server would, without the raw text (which differs by design).
func reload(_ text: String, _ environment: [String: String] = writeEnvironment) throws -> PlexusConfig {
    var config = try ConfigLoader.load(yaml: text, environment: environment, fileName: "plexus.yaml")
    config.rawYAML = ""
    return config
}

/// The edit error a throwing edit produced (nil when it succeeded, so expectations fail).
func editError(_ body: () throws(ConfigEditError) -> Void) -> ConfigEditError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}
