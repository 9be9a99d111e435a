extension Gemini {
    /// Splits Gemini's non-SSE stream (one JSON array streamed element by element) into events, from any byte split.
    ///
    /// Each complete top-level element becomes an `SSEEvent` whose `data` is the element's JSON, so the same
    /// `Gemini.StreamDecoder` reads both framings. Memory is bounded by the largest single element.
    public struct ArrayStreamParser: Sendable {
        var depth = 0
        var inString = false
        var escaped = false
        var element: [UInt8] = []

        public init() {}

        public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
            var out: [SSEEvent] = []
            for b in bytes {
                if depth == 0 {
                    // Between elements: '[', ',', ']' and whitespace separate them.
                    if b == UInt8(ascii: "{") {
                        depth = 1
                        element.append(b)
                    }
                    continue
                }
                element.append(b)
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == UInt8(ascii: "\\") {
                        escaped = true
                    } else if b == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        out.append(SSEEvent(data: String(decoding: element, as: UTF8.self)))
                        element.removeAll(keepingCapacity: true)
                    }
                default: break
                }
            }
            return out
        }

        /// A truncated last element is returned as is, so decoding it reports the upstream's broken stream.
        public mutating func finish() -> [SSEEvent] {
            defer {
                element = []
                depth = 0
                inString = false
                escaped = false
            }
            return element.isEmpty ? [] : [SSEEvent(data: String(decoding: element, as: UTF8.self))]
        }
    }
}
