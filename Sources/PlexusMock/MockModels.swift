/// The mock's model catalogue.
enum MockModels {
    static var names: [String] { MockBehavior.presetNames }

    /// "demo-fast" -> "Demo Fast".
    static func displayName(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
