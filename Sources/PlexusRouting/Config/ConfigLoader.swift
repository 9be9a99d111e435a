import Foundation
import PlexusCore
import Yams

/// Turns `plexus.yaml` text into a validated `PlexusConfig`, reporting every problem at once.
public enum ConfigLoader {
    /// Parses, expands `${NAME}` references from `environment`, applies defaults and validates.
    /// `fileName` is only used in messages.
    public static func load(
        yaml: String, environment: [String: String], fileName: String
    ) throws(ConfigError) -> PlexusConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(fileName: fileName, problems: [problem(fromYAMLError: error)])
        }
        let decoder = ConfigDecoder(environment: environment)
        var config = decodeRoot(root ?? .emptyScalar, decoder)
        config.rawYAML = yaml
        config.environmentReferences = decoder.references
        // A value already reported while reading is not reported again by the semantic checks.
        let reported = Set(decoder.problems.map(\.path))
        for issue in ConfigValidator.issues(in: config) where !reported.contains(issue.path) {
            decoder.report(issue.message, at: issue.path)
        }
        guard decoder.problems.isEmpty else {
            throw ConfigError(fileName: fileName, problems: sortedByLine(decoder.problems))
        }
        return config
    }

    /// Problems in file order; those without a line keep their order at the end.
    static func sortedByLine(_ problems: [ConfigProblem]) -> [ConfigProblem] {
        problems.enumerated().sorted { a, b in
            let la = a.element.line ?? .max
            let lb = b.element.line ?? .max
            if la != lb { return la < lb }
            let ca = a.element.column ?? 0
            let cb = b.element.column ?? 0
            return ca != cb ? ca < cb : a.offset < b.offset
        }.map(\.element)
    }

    /// A YAML syntax error as a problem with its line.
    static func problem(fromYAMLError error: any Error) -> ConfigProblem {
        guard let yamlError = error as? YamlError else {
            return ConfigProblem(path: "", message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigProblem(path: "", line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigProblem(
                path: "", line: context.mark.line, column: context.mark.column, message: "duplicate key \(names)")
        default:
            return ConfigProblem(path: "", message: "invalid YAML: \(yamlError)")
        }
    }

    /// The whole document: every section, then unknown top-level keys.
    static func decodeRoot(_ node: Node, _ decoder: ConfigDecoder) -> PlexusConfig {
        var config = PlexusConfig()
        guard var root = MappingReader(node, at: "", decoder: decoder) else { return config }
        if var m = root.mapping("server") { config.server = decodeServer(&m) }
        if var m = root.mapping("storage") { config.storage = decodeStorage(&m) }
        if var m = root.mapping("failover") { config.failover = decodeFailover(&m) }
        if var m = root.mapping("cooldown") { config.cooldown = decodeCooldown(&m) }
        if var m = root.mapping("routing") { config.routing = decodeRouting(&m) }
        if var m = root.mapping("debug") { config.debug = decodeDebug(&m) }
        if var m = root.mapping("pricing") { config.pricing = decodePricingSettings(&m) }
        if var m = root.mapping("upstream") { config.upstream = decodeUpstream(&m) }
        if let m = root.mapping("providers") { config.providers = decodeProviders(m) }
        if let m = root.mapping("models") { config.models = decodeAliases(m) }
        if let m = root.mapping("keys") { config.keys = decodeKeys(m) }
        root.rejectUnknownKeys()
        return config
    }
}
