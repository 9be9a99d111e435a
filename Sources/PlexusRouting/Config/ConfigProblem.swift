/// One thing wrong with a `plexus.yaml`, located by key path and (when known) line and column.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted key path, e.g. `providers.openai.api_key` or `models.smart.targets[1].provider`; empty for
    /// problems with the document itself (YAML syntax).
    public var path: String
    /// 1-based line in the file, when the problem points at a written value.
    public var line: Int?
    /// 1-based column in the file.
    public var column: Int?
    /// What is wrong, never echoing a secret.
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `PATH: MESSAGE` (without the file part).
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// `FILE:LINE: PATH: MESSAGE`, the line part left out when unknown.
    public func rendered(fileName: String) -> String {
        let location = line.map { "\(fileName):\($0)" } ?? fileName
        return "\(location): \(description)"
    }
}

/// A config that cannot be loaded: every problem found, in file order.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name used in messages (usually the file's path as given).
    public var fileName: String
    /// All problems, sorted by line (problems without a line last, in the order found).
    public var problems: [ConfigProblem]

    public init(fileName: String, problems: [ConfigProblem]) {
        self.fileName = fileName
        self.problems = problems
    }

    /// One line per problem: `FILE:LINE: PATH: MESSAGE`.
    public var description: String {
        problems.map { $0.rendered(fileName: fileName) }.joined(separator: "\n")
    }
}
