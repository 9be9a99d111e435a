extension Gemini {
    /// Writes the JSON text of one function call's arguments from the `partialArgs` pieces Gemini streams
    /// (`{jsonPath, stringValue | numberValue | boolValue | nullValue, willContinue}`), as they come.
    ///
    /// Each piece returns the text it adds, so the fragments concatenate to the arguments object: the piece for
    /// `$.recipe.ingredients[1].name` closes what the previous leaf left open, opens what this one needs, and writes
    /// the value. A string stays open (no closing quote) until the next piece goes elsewhere or the call ends, so a
    /// piece for the same path continues it. Gemini sends the leaves in the order the model writes its JSON; a piece
    /// that would go back into a container already closed, or set a leaf already written, cannot be added to text
    /// already sent and is skipped (counted in `skipped`). An index past the next one pads the array with `null`.
    struct ArgumentWriter {
        enum Segment: Equatable {
            case key(String)
            case index(Int)
        }

        struct Frame {
            var isArray: Bool
            /// The segment that opened this container inside its parent (nil for the root object).
            var segment: Segment?
            var count = 0
            var keys: Set<String> = []
        }

        /// Containers open in the text written so far, the root object first.
        var stack: [Frame] = []
        /// The path of the last leaf written.
        var leaf: [Segment] = []
        var stringOpen = false
        private(set) var skipped = 0

        /// Whether any text has been written.
        var started: Bool { !stack.isEmpty }

        /// Adds one `partialArgs` piece; returns the text it adds (possibly empty).
        mutating func piece(_ p: JSONValue) -> String {
            guard let text = p.g("jsonPath")?.stringValue, let path = Self.parse(path: text), !path.isEmpty else {
                skipped += 1
                return ""
            }
            if let s = p.g("stringValue")?.stringValue {
                if stringOpen && path == leaf { return Self.escaped(s) }
                return write(path, value: "\"" + Self.escaped(s), opensString: true)
            }
            let value: JSONValue
            if let n = p.g("numberValue") {
                guard let d = n.looseDouble else {
                    skipped += 1
                    return ""
                }
                value = .number(d)
            } else if let b = p.g("boolValue")?.boolValue {
                value = .bool(b)
            } else if p.g("nullValue") != nil {
                value = .null
            } else {
                return ""  // a piece with no value adds nothing
            }
            return write(path, value: value.jsonString, opensString: false)
        }

        /// Adds a whole member of an `args` object that came with the pieces.
        mutating func member(_ key: String, _ value: JSONValue) -> String {
            write([.key(key)], value: value.jsonString, opensString: false)
        }

        /// Closes the open string and every open container: the text that completes the arguments.
        mutating func finish() -> String {
            var out = stringOpen ? "\"" : ""
            stringOpen = false
            if stack.isEmpty { return out + "{}" }
            while let f = stack.popLast() { out += f.isArray ? "]" : "}" }
            return out
        }

        /// Moves from the last leaf to `path` and writes `value` there, or skips a piece that would go backwards.
        mutating func write(_ path: [Segment], value: String, opensString: Bool) -> String {
            guard case .key = path[0] else {
                skipped += 1
                return ""
            }  // the arguments are an object
            let containers = path.dropLast()
            // Frames shared with the open path: stack[0] is the root, stack[k] entered by containers[k - 1].
            var common = 0
            while common < containers.count, common + 1 < stack.count, stack[common + 1].segment == containers[common] {
                common += 1
            }
            let next = common < containers.count ? containers[common] : path[path.count - 1]
            if !stack.isEmpty, !Self.fits(next, in: stack[common]) {
                skipped += 1
                return ""
            }
            var out = ""
            if stringOpen {
                out += "\""
                stringOpen = false
            }
            if stack.isEmpty {
                out += "{"
                stack.append(Frame(isArray: false))
            }
            while stack.count > common + 1 { out += stack.removeLast().isArray ? "]" : "}" }
            for (k, seg) in containers.enumerated().dropFirst(common) {
                out += place(seg)
                let inner = k + 1 < containers.count ? containers[k + 1] : path[path.count - 1]
                let isArray = if case .index = inner { true } else { false }
                out += isArray ? "[" : "{"
                stack.append(Frame(isArray: isArray, segment: seg))
            }
            out += place(path[path.count - 1])
            out += value
            stringOpen = opensString
            leaf = path
            return out
        }

        /// Whether a new child `seg` can still be written into container `f`.
        static func fits(_ seg: Segment, in f: Frame) -> Bool {
            switch seg {
            case .key(let k): !f.isArray && !f.keys.contains(k)
            case .index(let i): f.isArray && i >= f.count
            }
        }

        /// The separator and key (or padding) before a new child of the innermost open container.
        mutating func place(_ seg: Segment) -> String {
            var out = ""
            let top = stack.count - 1
            switch seg {
            case .key(let k):
                if stack[top].count > 0 { out += "," }
                var quoted: [UInt8] = []
                JSONWriter.writeString(k, into: &quoted)
                out += String(decoding: quoted, as: UTF8.self) + ":"
                stack[top].keys.insert(k)
            case .index(let i):
                while stack[top].count < i {
                    out += stack[top].count > 0 ? ",null" : "null"
                    stack[top].count += 1
                }
                if stack[top].count > 0 { out += "," }
            }
            stack[top].count += 1
            return out
        }

        /// A string's JSON escaping without the quotes.
        static func escaped(_ s: String) -> String {
            var bytes: [UInt8] = []
            JSONWriter.writeString(s, into: &bytes)
            return String(decoding: bytes[1..<(bytes.count - 1)], as: UTF8.self)
        }

        /// An RFC 9535 normalized path (`$.a.b[0]`, `$['a b'][1]`) as segments; nil for anything else (wildcards,
        /// filters, negative indices). A path without the leading `$` is read as relative to it.
        static func parse(path: String) -> [Segment]? {
            var s = Substring(path)
            if s.hasPrefix("$") {
                s = s.dropFirst()
            } else if !s.hasPrefix("[") && !s.hasPrefix(".") {
                s = "." + s
            }
            var out: [Segment] = []
            while let c = s.first {
                if c == "." {
                    s = s.dropFirst()
                    let name = s.prefix { $0 != "." && $0 != "[" }
                    guard !name.isEmpty, name != "*" else { return nil }
                    out.append(.key(String(name)))
                    s = s.dropFirst(name.count)
                } else if c == "[" {
                    s = s.dropFirst()
                    if let q = s.first, q == "'" || q == "\"" {
                        guard let (name, rest) = quoted(s.dropFirst(), quote: q), rest.first == "]" else { return nil }
                        out.append(.key(name))
                        s = rest.dropFirst()
                    } else {
                        let digits = s.prefix { $0.isASCII && $0.isNumber }
                        guard !digits.isEmpty, let i = Int(digits), s.dropFirst(digits.count).first == "]" else {
                            return nil
                        }
                        out.append(.index(i))
                        s = s.dropFirst(digits.count + 1)
                    }
                } else {
                    return nil
                }
            }
            return out
        }

        /// A quoted name up to its closing quote, with backslash escapes; the rest after the quote.
        static func quoted(_ s: Substring, quote: Character) -> (String, Substring)? {
            var name = ""
            var rest = s
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == quote { return (name, rest) }
                guard c == "\\" else {
                    name.append(c)
                    continue
                }
                guard let e = rest.first else { return nil }
                rest = rest.dropFirst()
                switch e {
                case "b": name.append("\u{08}")
                case "f": name.append("\u{0C}")
                case "n": name.append("\n")
                case "r": name.append("\r")
                case "t": name.append("\t")
                case "u":
                    guard let v = UInt32(rest.prefix(4), radix: 16), rest.count >= 4 else { return nil }
                    rest = rest.dropFirst(4)
                    var scalar = Unicode.Scalar(v)
                    if (0xD800..<0xDC00).contains(v), rest.hasPrefix("\\u"),
                        let low = UInt32(rest.dropFirst(2).prefix(4), radix: 16),
                        (0xDC00..<0xE000).contains(low)
                    {
                        scalar = Unicode.Scalar(0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00))
                        rest = rest.dropFirst(6)
                    }
                    guard let scalar else { return nil }
                    name.unicodeScalars.append(scalar)
                default: name.append(e)  // \\ \' \" \/
                }
            }
            return nil
        }
    }
}
