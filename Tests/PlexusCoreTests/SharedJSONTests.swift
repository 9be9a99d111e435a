import Foundation
import Testing

@testable import PlexusCore

@Suite("Shared JSON parser and writer")
struct SharedJSONTests {
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":{"d":"x\ny\u00e9\ud83d\ude00"}}"#,
        #"[1.5,-2,3e3,"\"q\""]"#,
        #""plain""#,
        #"{}"#,
    ])
    func roundTripsAndKeepsKeyOrder(text: String) throws {
        let v = try JSONValue(parsing: text)
        let again = try JSONValue(parsing: v.serialized())
        #expect(v == again)
        if case .object(let o) = v, o.count == 3 { #expect(o.keys == ["b", "a", "c"]) }
    }

    @Test func decodesEscapes() throws {
        let v = try JSONValue(parsing: #"{"s":"a\tb\u00e9\ud83d\ude00"}"#)
        #expect(v["s"]?.stringValue == "a\tbé😀")
    }

    @Test(arguments: [
        ("{\"a\":1,}", 7),
        ("[1 2]", 3),
        ("{\"a\" 1}", 5),
        ("\"open", 5),
        ("tru", 0),
    ])
    func reportsErrorOffsets(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        do { _ = try JSONValue(parsing: text) } catch { #expect(error.offset == offset) }
    }

    /// Numbers as written: integers by their own digit writer, the rest as Swift prints them.
    @Test(
        arguments: [
            (0.0, "0"), (-0.0, "0"), (7, "7"), (-42, "-42"), (1_234_567_890_123, "1234567890123"),
            (-8_999_999_999_999_999, "-8999999999999999"), (1.5, "1.5"), (-0.25, "-0.25"), (1e300, "1e+300"),
            (.nan, "null"), (.infinity, "null"),
        ] as [(Double, String)])
    func writesNumbers(value: Double, text: String) {
        #expect(String(decoding: JSONValue.number(value).serialized(), as: UTF8.self) == text)
    }

    @Test func writesLiterals() {
        let v: JSONValue = .array([.null, .bool(true), .bool(false), .number(Double(Int64.max / 2048))])
        #expect(String(decoding: v.serialized(), as: UTF8.self) == "[null,true,false,4503599627370495]")
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep, maxDepth: 128) }
    }
}

@Suite("Top-level JSON patch")
struct SharedJSONPatchTests {
    @Test(arguments: [
        (
            #"{"model":"a","messages":[{"role":"user"}] , "x":1}"#,
            #"{"model":"up/b","messages":[{"role":"user"}] , "x":1,"stream_options":{"include_usage":true}}"#
        ),
        (#"{}"#, #"{"model":"up/b","stream_options":{"include_usage":true}}"#),
        (
            #"{"stream_options":{"include_usage":false},"model":"a"}"#,
            #"{"stream_options":{"include_usage":true},"model":"up/b"}"#
        ),
    ])
    func patchesOnlyTheNamedMembers(input: String, expected: String) throws {
        let (_, spans) = try JSONValue.parseWithTopLevelSpans(Array(input.utf8))
        var patch = JSONTopLevelPatch(bytes: Array(input.utf8), spans: spans)
        patch.set("model", "up/b")
        patch.set("stream_options", ["include_usage": true])
        let out = String(decoding: patch.result(), as: UTF8.self)
        #expect(out == expected)
        #expect(try JSONValue(parsing: out) == JSONValue(parsing: expected))
        // Written piece by piece into another buffer, the length worked out first: the same bytes.
        var pieces: [UInt8] = []
        patch.forEachPiece { pieces.append(contentsOf: $0) }
        #expect(pieces == Array(expected.utf8))
        #expect(patch.resultCount == expected.utf8.count)
    }

    @Test(arguments: [#"{"model":"a"}"#, #"{"model":"a","x":[1]}"#, #"{}"#])
    func anUntouchedOrReplacedDocumentHasItsLengthWorkedOutFirst(input: String) throws {
        let (_, spans) = try JSONValue.parseWithTopLevelSpans(Array(input.utf8))
        var patch = JSONTopLevelPatch(bytes: Array(input.utf8), spans: spans)
        #expect(patch.resultCount == input.utf8.count && patch.result() == Array(input.utf8))
        patch.set("model", "longer-name")
        var pieces: [UInt8] = []
        patch.forEachPiece { pieces.append(contentsOf: $0) }
        #expect(pieces == patch.result() && patch.resultCount == pieces.count)
        #expect(try JSONValue(parsing: String(decoding: pieces, as: UTF8.self))["model"] == "longer-name")
    }

    /// The eight-bytes-at-a-time string scan against Foundation: every marker (quote, backslash, control byte) at
    /// every offset around a word boundary, among ASCII and multi-byte UTF-8, decodes the same or fails the same,
    /// and writes back to the same text.
    @Test(arguments: ["\\\"", "\\n", "\\u00e9", "\\\\", "\n", "\u{1F}", "é", "😀", "~", "\u{7F}"])
    func stringScanAgreesWithFoundationAtEveryOffset(marker: String) throws {
        for offset in 0..<20 {
            let text = String(repeating: "a", count: offset) + marker + String(repeating: "b", count: 19 - offset)
            let document = "[\"" + text + "\"]"
            let reference = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String]
            let ours = try? JSONValue(parsing: document)
            #expect(ours?.arrayValue?.first?.stringValue == reference?.first, "\(marker) at \(offset)")
            let members = try? JSONValue.parseMembers(Array("{\"k\":\"\(text)\",\"model\":1}".utf8), keeping: ["model"])
            #expect((members != nil) == (reference != nil), "skip: \(marker) at \(offset)")
            // The writer: the decoded text (raw quotes, backslashes, control bytes) written back reads the same.
            if let raw = reference?.first {
                let written = Data(JSONValue.array([.string(raw)]).serialized())
                let back = try JSONSerialization.jsonObject(with: written) as? [String]
                #expect(back?.first == raw, "write: \(marker) at \(offset)")
            }
        }
    }

    /// A pick builds only what it names, down through arrays and objects, and still refuses a malformed part it
    /// skips; a pick that does not fit the value found builds that value whole.
    @Test func aPickBuildsOnlyWhatItNames() throws {
        let text = #"{"a":{"x":1,"y":[1,2]},"b":[{"k":"v","z":true},{"k":"w"}],"c":"skipped","d":[3]}"#
        let pick = JSONPick.members([
            "a": .members(["y": .all]), "b": .elements(.members(["k": .all])), "d": .members([:]),
        ])
        let v = try Array(text.utf8).withUnsafeBufferPointer { try JSONValue(parsing: $0, pick: pick) }
        #expect(v == (try JSONValue(parsing: #"{"a":{"y":[1,2]},"b":[{"k":"v"},{"k":"w"}],"d":[3]}"#)))
        let broken = Array(#"{"a":{"x":1,"y":[1,2]},"c":"bad \q escape"}"#.utf8)
        #expect(throws: JSONParseError.self) {
            try broken.withUnsafeBufferPointer { try JSONValue(parsing: $0, pick: pick) }
        }
    }

    /// Lookups, overwrites and removals stay exact whatever the keys share (same length and first byte, or not),
    /// below and above the size where an index takes over.
    @Test(arguments: [4, 40])
    func objectMembersStayExact(count: Int) {
        var o = JSONObject()
        var model: [String: Int] = [:]
        for n in 0..<count {
            let key = n % 2 == 0 ? "k\(n % 10)" : "key_\(n)"  // "k0".."k9" share length and first byte
            o[key] = .number(Double(n))
            model[key] = n
        }
        o["k0"] = nil
        model["k0"] = nil
        o["k0"] = .number(-1)
        model["k0"] = -1
        for key in model.keys { #expect(o[key]?.intValue == model[key], "\(key)") }
        for absent in ["k", "kx", "key_", "zz", ""] { #expect(o[absent] == nil) }
        #expect(o.count == model.count)
    }
}

/// `JSONScan.plainRunEnd` (vector, word and byte steps) against its plain definition.
@Suite("JSON plain runs")
struct JSONPlainRunTests {
    @Test func everyStopByteIsFoundAtEveryPositionFromEveryStart() {
        let stops: [UInt8] = [0x22, 0x5C, 0x00, 0x0A, 0x1F]
        let plain: [UInt8] = [0x20, 0x21, 0x7F, 0x80, 0xFF, UInt8(ascii: "a")]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 40] {
            for start in [0, 1, 3] where start <= length {
                for position in 0...length {
                    for stop in stops {
                        var bytes = (0..<length).map { plain[$0 % plain.count] }
                        if position < length { bytes[position] = stop }
                        let expected = position < length && position >= start ? position : length
                        let found = bytes.withUnsafeBufferPointer { JSONScan.plainRunEnd(in: $0, from: start) }
                        #expect(found == expected, "stop \(stop) at \(position) of \(length) from \(start)")
                    }
                }
            }
        }
    }
}
