/// A model-name pattern of an alias (`patterns: ["claude-*"]`): `*` stands for any run of characters, everything
/// else for itself. Coding agents send dated model ids (`claude-sonnet-4-5-20250929`); one pattern routes them all.
public struct ModelPattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    /// The literal pieces between the stars.
    private let pieces: [Substring]

    public init(_ text: String) {
        self.text = text
        pieces = text.split(separator: "*", omittingEmptySubsequences: false)
    }

    public var description: String { text }

    /// Whether `name` is one of the names the pattern stands for.
    public func matches(_ name: String) -> Bool {
        guard pieces.count > 1 else { return name == text }
        var rest = Substring(name)
        guard rest.hasPrefix(pieces[0]) else { return false }
        rest = rest.dropFirst(pieces[0].count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(pieces[pieces.count - 1])
    }

    /// Whether some name matches both patterns (then two aliases would claim it).
    public func overlaps(_ other: ModelPattern) -> Bool {
        let a = Array(text.unicodeScalars)
        let b = Array(other.text.unicodeScalars)
        var memo: [Int: Bool] = [:]
        func meet(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i * (b.count + 1) + j] { return known }
            let result: Bool
            if i == a.count, j == b.count {
                result = true
            } else if i < a.count, a[i] == "*" {
                // The star matches nothing here, or swallows b's next character (or b's star's run).
                result = meet(i + 1, j) || (j < b.count && meet(i, j + 1))
            } else if j < b.count, b[j] == "*" {
                result = meet(i, j + 1) || (i < a.count && meet(i + 1, j))
            } else {
                result = i < a.count && j < b.count && a[i] == b[j] && meet(i + 1, j + 1)
            }
            memo[i * (b.count + 1) + j] = result
            return result
        }
        return meet(0, 0)
    }
}
