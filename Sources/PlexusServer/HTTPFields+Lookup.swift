import HTTPTypes

extension HTTPFields {
    /// `self[name]` in one pass, without building a joined string when the field occurs once (the usual case):
    /// the subscript scans twice and joins even a single value (about 4k instructions a lookup).
    func value(of name: HTTPField.Name) -> String? {
        let canonical = name.canonicalName
        var found: Int?
        for i in indices where self[i].name.canonicalName == canonical {
            if found != nil { return self[name] }  // repeated: joined, as the subscript does
            found = i
        }
        return found.map { self[$0].value }
    }
}
