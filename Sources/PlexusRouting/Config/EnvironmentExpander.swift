/// Expands `${NAME}` and `${NAME:-default}` references inside a string (`$${` writes a literal `${`).
///
/// `:-` follows the shell: the default applies when the variable is unset *or empty*.
public enum EnvironmentExpander {
    /// The outcome of expanding one string.
    public struct Expansion: Sendable, Equatable {
        /// The expanded text (unset variables without a default expand to "").
        public var text: String
        /// Whether the input contained at least one reference (or a `$${` escape).
        public var hadReference: Bool
        /// Variables referenced without a default that are unset.
        public var missing: [String]
        /// A description of a malformed reference, if any.
        public var malformed: String?
    }

    /// Expands every reference in `input` using `environment`.
    public static func expand(_ input: String, environment: [String: String]) -> Expansion {
        var result = Expansion(text: "", hadReference: false, missing: [], malformed: nil)
        guard input.contains("${") else {
            result.text = input
            return result
        }
        var scalars = Substring(input).unicodeScalars[...]
        var out = String.UnicodeScalarView()
        while let c = scalars.popFirst() {
            if c == "$", scalars.starts(with: "${".unicodeScalars) {
                // `$${` is an escaped literal `${`.
                scalars.removeFirst()
                out.append(contentsOf: "$".unicodeScalars)
                result.hadReference = true
            } else if c == "$", scalars.first == "{" {
                scalars.removeFirst()
                result.hadReference = true
                expandReference(&scalars, into: &out, result: &result, environment: environment)
            } else {
                out.append(c)
            }
        }
        result.text = String(out)
        return result
    }

    /// Reads `NAME}` or `NAME:-default}` after a `${` and appends its value.
    private static func expandReference(
        _ scalars: inout Substring.UnicodeScalarView.SubSequence, into out: inout String.UnicodeScalarView,
        result: inout Expansion, environment: [String: String]
    ) {
        guard let close = scalars.firstIndex(of: "}") else {
            result.malformed = "unterminated ${ reference"
            out.append(contentsOf: "${".unicodeScalars)
            return
        }
        let body = String(String.UnicodeScalarView(scalars[..<close]))
        scalars = scalars[scalars.index(after: close)...]
        let name: String
        let fallback: String?
        if let range = body.range(of: ":-") {
            name = String(body[..<range.lowerBound])
            fallback = String(body[range.upperBound...])
        } else {
            name = body
            fallback = nil
        }
        guard isValidName(name) else {
            result.malformed = "invalid reference ${\(body.prefix(40))}: expected ${NAME} or ${NAME:-default}"
            return
        }
        let value = environment[name]
        if let fallback, value == nil || value == "" {
            out.append(contentsOf: fallback.unicodeScalars)
        } else if let value {
            out.append(contentsOf: value.unicodeScalars)
        } else {
            result.missing.append(name)
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || isLetter($0) || ("0"..."9").contains($0) }
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }
}
