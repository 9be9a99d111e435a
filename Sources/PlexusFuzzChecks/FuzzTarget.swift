/// A property a fuzz target checks on one input; a finding says which property broke and how.
///
/// The same checks run in two places: under libFuzzer (`scripts/fuzz`, where a finding crashes the process so that
/// libFuzzer keeps the input) and in `swift test`, which replays every corpus file in `Fuzz/Corpus/<target>`.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// The gateway's HTTP/1.1 request parser against NIOHTTP1's (llhttp), and against itself split anywhere.
    case http
    /// The SSE parser against the WHATWG event-stream algorithm, split anywhere.
    case sse
    /// The JSON parser: writing what it parsed parses back to the same value, and its verdict agrees with
    /// Foundation's on printable input.
    case json
    /// The three request decoders: what any of them decodes, every encoder writes in a form its own decoder reads
    /// back to the same request.
    case requests

    /// Runs the check; nil when the input keeps every property.
    package func check(_ input: [UInt8]) -> String? {
        switch self {
        case .http: HTTPParserCheck.check(input)
        case .sse: SSEParserCheck.check(input)
        case .json: JSONParserCheck.check(input)
        case .requests: RequestDecoderCheck.check(input)
        }
    }
}

/// Split points for feeding an input in pieces, derived from the input itself so that a crash replays exactly.
enum FuzzSplits {
    /// Up to three cut points inside `count` bytes, from `seed`.
    static func cuts(count: Int, seed: [UInt8]) -> [Int] {
        guard count > 1 else { return [] }
        var cuts: Set<Int> = []
        for byte in seed.prefix(3) { cuts.insert(1 + Int(byte) % (count - 1)) }
        return cuts.sorted()
    }

    /// `input` cut at `cuts`.
    static func pieces(_ input: [UInt8], at cuts: [Int]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for cut in cuts where cut > start && cut < input.count {
            out.append(input[start..<cut])
            start = cut
        }
        out.append(input[start...])
        return out
    }
}
