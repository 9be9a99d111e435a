import Foundation
import Testing

@testable import PlexusCore

/// A stream of Gemini's streamed function-call arguments (`Tests/Fixtures/gemini/`, sources in
/// `Tests/Fixtures/SOURCES.md`) and the calls it must decode to, written out by hand from the capture.
struct StreamedArgsFixture: CustomTestStringConvertible, Sendable {
    struct Call: Sendable {
        let name: String
        /// The arguments as JSON text, members in the order the model wrote them.
        let args: String
        /// Whether the arguments came in pieces over several chunks (not as one `args` object).
        var streamed = true
        var id: String?
    }

    let file: String
    let calls: [Call]
    var text = ""
    var thinks = false
    /// Calls follow one another (each begins when its header arrives); false when calls interleave.
    var sequential = true

    var testDescription: String { file }
    var path: String { Self.dir + "/" + file }
    var raw: [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
    /// The chunk payloads, one per line (`.chunks.jsonl`) or per SSE event (`.sse`).
    var lines: [String] {
        if file.hasSuffix(".sse") { return RawStreamExpectations.events(raw).map(\.data) }
        return String(decoding: raw, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
    }
    /// The stream as Gemini sends it with `alt=sse`.
    var sse: [UInt8] {
        file.hasSuffix(".sse") ? raw : Array(lines.map { "data: " + $0 + "\r\n\r\n" }.joined().utf8)
    }
    /// The stream as Gemini sends it without `alt=sse`: one JSON array.
    var jsonArray: [UInt8] { Array(("[" + lines.joined(separator: ",\r\n") + "]").utf8) }

    /// Outside the test target's folder, so SwiftPM does not take the files for unhandled resources.
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gemini").standardizedFileURL.path

    static let recipe = #"""
        {"recipe":{"ingredients":[{"amount":"16 oz","name":"Lasagna noodles"},{"amount":"1 lb","name":"Ground beef"},
        {"amount":"15 oz","name":"Ricotta cheese"},{"amount":"3 cups","name":"Mozzarella cheese"},
        {"amount":"1/2 cup","name":"Parmesan cheese"},{"amount":"24 oz","name":"Tomato sauce"},{"amount":"1","name":"Egg"},
        {"amount":"2 cloves","name":"Garlic"},{"amount":"1 tsp","name":"Salt"},{"amount":"1/2 tsp","name":"Pepper"}],
        "name":"Lasagna",
        "steps":["Preheat oven to 375°F (190°C).","Cook lasagna noodles according to package directions, drain and set aside.",
        "Brown ground beef with minced garlic in a skillet. Drain fat and stir in tomato sauce. Simmer for 10 minutes.",
        "In a bowl, mix ricotta cheese, egg, salt, pepper, and Parmesan cheese.",
        "In a 9x13 baking dish, spread a thin layer of meat sauce.",
        "Layer noodles, ricotta mixture, mozzarella, and meat sauce. Repeat.","Top with remaining mozzarella cheese.",
        "Cover with foil and bake for 25 minutes.","Remove foil and bake for another 25 minutes until golden.",
        "Let stand for 15 minutes before serving."]}}
        """#

    static let all: [StreamedArgsFixture] = [
        StreamedArgsFixture(
            file: "vertex-streamed-args-two-calls.chunks.jsonl",
            calls: [
                Call(name: "getWeather", args: #"{"location":"Boston"}"#),
                Call(name: "getWeather", args: #"{"location":"San Francisco"}"#),
            ]),
        StreamedArgsFixture(
            file: "vertex-streamed-args-nested-recipe.chunks.jsonl",
            calls: [
                Call(name: "cookRecipe", args: recipe)
            ]),
        StreamedArgsFixture(
            file: "vertex-streamed-args-array-last-piece-ends-call.chunks.jsonl",
            calls: [
                Call(
                    name: "writeItems",
                    args: #"""
                        {"operations":[{"action":"add","description":"Fresh red apple","itemid":"apple_001","price":0.5},
                        {"action":"add","description":"Ripe yellow banana","itemid":"banana_001","price":0.3}]}
                        """#)
            ]),
        StreamedArgsFixture(
            file: "vertex-streamed-args-no-args-call-then-three.chunks.jsonl",
            calls: [
                Call(name: "read_theme", args: "{}", streamed: false),
                Call(name: "read_screen", args: #"{"id":"A"}"#),
                Call(name: "read_screen", args: #"{"id":"B"}"#),
                Call(name: "read_screen", args: #"{"id":"C"}"#),
            ], thinks: true),
        StreamedArgsFixture(
            file: "constructed-streamed-args-interleaved-ids.sse",
            calls: [
                Call(
                    name: "search",
                    args: #"{"query":"café \"best\" in Zürich\n","filters":{"open_now":false,"max price":30}}"#,
                    id: "fc_a"),
                Call(name: "set_flags", args: #"{"enabled":true,"limit":2.5,"tags":["x",null]}"#, id: "fc_b"),
            ], text: "Checking both.", sequential: false),
    ]
}

/// Gemini 3's streamed function-call arguments (`partialArgs`, `willContinue`) through every client protocol.
@Suite struct GeminiStreamedArgumentsTests {
    typealias F = StreamedArgsFixture

    static func irEvents(_ chunks: [[UInt8]], jsonArray: Bool) throws -> [IR.StreamEvent] {
        guard jsonArray else { return try FixtureStreamTests.irEvents(chunks, proto: .gemini) }
        var parser = Gemini.ArrayStreamParser()
        var decoder = Gemini.StreamDecoder()
        var out: [IR.StreamEvent] = []
        for c in chunks {
            for e in parser.feed(c) { out += try decoder.decode(e) }
        }
        for e in parser.finish() { out += try decoder.decode(e) }
        return out + decoder.finish()
    }

    /// The calls of an answer as (name, arguments parsed), and their ids.
    static func calls(_ r: IR.Response) -> (calls: [String], ids: [String]) {
        let calls = r.parts.compactMap { p -> IR.ToolCall? in if case .toolCall(let c) = p { c } else { nil } }
        return (calls.map { $0.name + " " + Essentials.args($0.arguments).jsonString }, calls.map(\.id))
    }

    static func expected(_ f: F) -> [String] {
        f.calls.map { $0.name + " " + Essentials.args($0.args.replacingOccurrences(of: "\n", with: "")).jsonString }
    }

    static func check(_ r: IR.Response, _ f: F, _ label: String) {
        let (calls, ids) = Self.calls(r)
        #expect(calls == expected(f), "\(label)")
        #expect(Set(ids).count == ids.count && !ids.contains(""), "\(label): ids \(ids)")
        for (id, c) in zip(ids, f.calls) where c.id != nil { #expect(id == c.id, "\(label)") }
        #expect(Essentials(r).text == f.text, "\(label)")
        #expect(Essentials(r).thinking.isEmpty != f.thinks, "\(label)")
        #expect(r.stopReason == .toolUse, "\(label)")
        #expect(r.usage != nil, "\(label)")
    }

    @Test func everyFixtureFileHasExpectations() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: F.dir).sorted()
        #expect(files == F.all.map(\.file).sorted())
        for f in F.all { #expect(!f.raw.isEmpty, "\(f.file)") }
    }

    @Test(arguments: F.all, [0, 1, 2, 3] as [UInt64])
    func decodesToTheExpectedCalls(_ f: F, _ seed: UInt64) throws {
        for jsonArray in [false, true] {
            let bytes = jsonArray ? f.jsonArray : f.sse
            let chunks = seed == 0 ? [bytes] : bytes.randomSplits(seed: seed, maxPiece: seed == 1 ? 1 : 41)
            let events = try Self.irEvents(chunks, jsonArray: jsonArray)
            Self.check(FixtureStreamTests.accumulate(events), f, "\(jsonArray ? "array" : "sse") seed \(seed)")
            #expect(Self.blockProblems(events) == [])
        }
    }

    /// IR blocks start at contiguous indices, one open at a time, deltas only into the open one.
    static func blockProblems(_ events: [IR.StreamEvent]) -> [String] {
        var problems: [String] = []
        var open: Int?
        var next = 0
        for e in events {
            switch e {
            case .blockStart(let i, _):
                if open != nil { problems.append("block \(i) starts while \(open!) is open") }
                if i != next { problems.append("block \(i), expected \(next)") }
                open = i
                next += 1
            case .delta(let i, _):
                if i != open { problems.append("delta for \(i) while \(open.map(String.init) ?? "none") is open") }
            case .blockStop(let i):
                if i != open { problems.append("stop for \(i) while \(open.map(String.init) ?? "none") is open") }
                open = nil
            default: break
            }
        }
        if let open { problems.append("block \(open) never stops") }
        return problems
    }

    /// A call's tool block opens with the chunk that names it, and its arguments follow chunk by chunk.
    @Test(arguments: F.all)
    func argumentsStreamAsTheyCome(_ f: F) throws {
        var decoder = Gemini.StreamDecoder()
        var startLine: [Int: Int] = [:]
        var names: [Int: String] = [:]
        var argumentLines: [Int: Set<Int>] = [:]
        for (n, line) in f.lines.enumerated() {
            for e in try decoder.decode(SSEEvent(event: nil, data: line)) {
                switch e {
                case .blockStart(let i, .toolCall(_, let name, _)):
                    startLine[i] = n
                    names[i] = name
                case .delta(let i, .arguments):
                    argumentLines[i, default: []].insert(n)
                default: break
                }
            }
        }
        let blocks = startLine.keys.sorted()
        #expect(blocks.count == f.calls.count)
        for (i, call) in zip(blocks, f.calls) {
            #expect(names[i] == call.name)
            if f.sequential || i == blocks.first {
                #expect(
                    f.lines[startLine[i]!].contains(#""name":"\#(call.name)""#),
                    "block \(i) opened on line \(startLine[i]!)")
            }
            if call.streamed {
                #expect(
                    argumentLines[i, default: []].count > 1,
                    "arguments of block \(i) came in \(argumentLines[i, default: []].count) chunk(s)")
            }
        }
    }

    @Test(arguments: F.all, APIProtocol.generative)
    func reencodesForEveryClient(_ f: F, _ client: APIProtocol) throws {
        let events = try Self.irEvents([f.sse], jsonArray: false)
        let r = FixtureStreamTests.accumulate(events)
        for jsonArray in client == .gemini ? [false, true] : [false] {
            let bytes = FixtureStreamTests.encode(events, client: client, jsonArray: jsonArray)
            #expect(StreamValidators.validate(bytes, proto: client, includeUsage: true, jsonArray: jsonArray) == [])
            for seed in [0, 5, 6] as [UInt64] {
                let chunks = seed == 0 ? [bytes] : bytes.randomSplits(seed: seed, maxPiece: 13)
                let back: IR.Response
                if jsonArray {
                    back = FixtureStreamTests.accumulate(try Self.irEvents(chunks, jsonArray: true))
                } else {
                    back = FixtureStreamTests.accumulate(try FixtureStreamTests.irEvents(chunks, proto: client))
                }
                Self.check(back, f, "\(client) array=\(jsonArray) seed \(seed)")
                #expect(Self.calls(back).ids == Self.calls(r).ids)
                #expect(Essentials(back) == Essentials(r).seenThrough(client))
            }
            if client != .gemini { #expect(Self.fragmentsPerCall(bytes, client) == Self.irFragmentsPerCall(events)) }
        }
    }

    /// How many argument fragments each call got in the IR.
    static func irFragmentsPerCall(_ events: [IR.StreamEvent]) -> [Int] {
        var counts: [Int: Int] = [:]
        for e in events {
            if case .blockStart(let i, .toolCall) = e { counts[i] = 0 }
            if case .delta(let i, .arguments(let s)) = e, !s.isEmpty { counts[i]? += 1 }
        }
        return counts.keys.sorted().map { counts[$0]! }
    }

    /// How many argument fragments each call got in an OpenAI, Anthropic or Responses client stream (streamed, not buffered).
    static func fragmentsPerCall(_ bytes: [UInt8], _ client: APIProtocol) -> [Int] {
        var counts: [Int: Int] = [:]
        for e in RawStreamExpectations.events(bytes) {
            guard let j = try? JSONValue(parsing: e.data) else { continue }
            if client == .chat {
                for tc in j["choices"]?.at(0)?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                    let k = tc["index"]?.intValue ?? -1
                    if let a = tc["function"]?["arguments"]?.stringValue, !a.isEmpty {
                        counts[k, default: 0] += 1
                    } else {
                        counts[k, default: 0] += 0
                    }
                }
            } else if j["type"]?.stringValue == "response.output_item.added",
                j["item"]?["type"]?.stringValue == "function_call"
            {
                counts[j["output_index"]?.intValue ?? -1] = 0
            } else if j["type"]?.stringValue == "response.function_call_arguments.delta" {
                counts[j["output_index"]?.intValue ?? -1, default: 0] += 1
            } else if j["type"]?.stringValue == "content_block_start",
                j["content_block"]?["type"]?.stringValue == "tool_use"
            {
                counts[j["index"]?.intValue ?? -1] = 0
            } else if j["delta"]?["type"]?.stringValue == "input_json_delta" {
                counts[j["index"]?.intValue ?? -1, default: 0] += 1
            }
        }
        return counts.keys.sorted().map { counts[$0]! }
    }

    // MARK: - The argument writer

    struct WriterCase: CustomTestStringConvertible, Sendable {
        let label: String
        let pieces: String
        let text: String
        var skipped = 0
        var testDescription: String { label }
    }

    static let writerCases: [WriterCase] = [
        WriterCase(
            label: "string in pieces",
            pieces:
                #"[{"jsonPath":"$.location","stringValue":"Boston","willContinue":true},{"jsonPath":"$.location","stringValue":", MA"},{"jsonPath":"$.location","stringValue":""}]"#,
            text: #"{"location":"Boston, MA"}"#),
        WriterCase(
            label: "scalars",
            pieces:
                #"[{"jsonPath":"$.n","numberValue":50},{"jsonPath":"$.f","numberValue":0.5},{"jsonPath":"$.s","numberValue":"12"},{"jsonPath":"$.b","boolValue":false},{"jsonPath":"$.z","nullValue":"NULL_VALUE"},{"jsonPath":"$.z2","nullValue":null}]"#,
            text: #"{"n":50,"f":0.5,"s":12,"b":false,"z":null,"z2":null}"#),
        WriterCase(
            label: "nested objects and arrays",
            pieces:
                #"[{"jsonPath":"$.a.b[0].c","stringValue":"x"},{"jsonPath":"$.a.b[1].c","stringValue":"y"},{"jsonPath":"$.a.d","numberValue":1},{"jsonPath":"$.e","boolValue":true}]"#,
            text: #"{"a":{"b":[{"c":"x"},{"c":"y"}],"d":1},"e":true}"#),
        WriterCase(
            label: "array of strings",
            pieces:
                #"[{"jsonPath":"$.xs[0]","stringValue":"a","willContinue":true},{"jsonPath":"$.xs[0]","stringValue":"b"},{"jsonPath":"$.xs[1]","stringValue":"c"}]"#,
            text: #"{"xs":["ab","c"]}"#),
        WriterCase(
            label: "index gap padded with null", pieces: #"[{"jsonPath":"$.xs[2]","boolValue":true}]"#,
            text: #"{"xs":[null,null,true]}"#),
        WriterCase(
            label: "array in array",
            pieces: #"[{"jsonPath":"$.m[0][1]","numberValue":1},{"jsonPath":"$.m[1][0]","numberValue":2}]"#,
            text: #"{"m":[[null,1],[2]]}"#),
        WriterCase(
            label: "bracket-quoted names",
            pieces: #"[{"jsonPath":"$['a.b'][\"c d\"]","stringValue":"v"},{"jsonPath":"$['it\\'s']","numberValue":1}]"#,
            text: #"{"a.b":{"c d":"v"},"it's":1}"#),
        WriterCase(
            label: "escapes and non-ASCII",
            pieces:
                #"[{"jsonPath":"$.q","stringValue":"he said \"hi\"\n","willContinue":true},{"jsonPath":"$.q","stringValue":"\\ °é😀\u0001"}]"#,
            text: #"{"q":"he said \"hi\"\n\\ °é😀\u0001"}"#),
        WriterCase(
            label: "snake_case and a path without $",
            pieces:
                #"[{"json_path":"city","string_value":"Oslo","will_continue":true},{"json_path":"$.city","string_value":"!"}]"#,
            text: #"{"city":"Oslo!"}"#),
        WriterCase(label: "no pieces", pieces: "[]", text: "{}"),
        WriterCase(
            label: "a piece with no value",
            pieces: #"[{"jsonPath":"$.a","willContinue":true},{"jsonPath":"$.b","numberValue":1}]"#, text: #"{"b":1}"#),
        WriterCase(
            label: "back into a closed object",
            pieces:
                #"[{"jsonPath":"$.a.x","numberValue":1},{"jsonPath":"$.b","numberValue":2},{"jsonPath":"$.a.y","numberValue":3}]"#,
            text: #"{"a":{"x":1},"b":2}"#, skipped: 1),
        WriterCase(
            label: "a leaf set twice",
            pieces: #"[{"jsonPath":"$.n","numberValue":1},{"jsonPath":"$.n","numberValue":2}]"#, text: #"{"n":1}"#,
            skipped: 1),
        WriterCase(
            label: "a string resumed after another leaf",
            pieces:
                #"[{"jsonPath":"$.a","stringValue":"x"},{"jsonPath":"$.b","stringValue":"y"},{"jsonPath":"$.a","stringValue":"z"}]"#,
            text: #"{"a":"x","b":"y"}"#, skipped: 1),
        WriterCase(
            label: "an array index going back",
            pieces: #"[{"jsonPath":"$.xs[1]","numberValue":1},{"jsonPath":"$.xs[0]","numberValue":0}]"#,
            text: #"{"xs":[null,1]}"#, skipped: 1),
        WriterCase(
            label: "paths it cannot place",
            pieces:
                #"[{"jsonPath":"$.*","numberValue":1},{"jsonPath":"$..a","numberValue":1},{"jsonPath":"$.a[-1]","numberValue":1},{"jsonPath":"$[0]","numberValue":1},{"jsonPath":"$","numberValue":1},{"stringValue":"x"},{"jsonPath":"$.a[0]","numberValue":1},{"jsonPath":"$.a.b","numberValue":1}]"#,
            text: #"{"a":[1]}"#, skipped: 7),
    ]

    @Test(arguments: writerCases)
    func argumentWriter(_ c: WriterCase) throws {
        let pieces = try #require(try JSONValue(parsing: Array(c.pieces.utf8)).arrayValue)
        var w = Gemini.ArgumentWriter()
        var fragments = pieces.map { w.piece($0) }
        fragments.append(w.finish())
        let text = fragments.joined()
        #expect(text == c.text)
        #expect(w.skipped == c.skipped)
        #expect((try? JSONValue(parsing: Array(text.utf8))) != nil, "not JSON: \(text)")
    }

    @Test func writerHandsOutAStringAsItGrows() {
        var w = Gemini.ArgumentWriter()
        #expect(
            w.piece(["jsonPath": "$.location", "stringValue": "Boston", "willContinue": true])
                == #"{"location":"Boston"#)
        #expect(w.piece(["jsonPath": "$.location", "stringValue": ", MA"]) == ", MA")
        #expect(w.piece(["jsonPath": "$.unit", "stringValue": "C"]) == #"","unit":"C"#)
        #expect(w.finish() == #""}"#)
    }

    // MARK: - The call assembler

    struct AssemblerCase: CustomTestStringConvertible, Sendable {
        let label: String
        /// `functionCall` values, one per part; `"sig:…"` in a part's `_sig` stands for its thoughtSignature.
        let parts: String
        let actions: [Gemini.CallAssembler.Action]
        var testDescription: String { label }
    }

    static let sig = IR.Signature("S", origin: .gemini)

    static let assemblerCases: [AssemblerCase] = [
        AssemblerCase(
            label: "a whole call", parts: #"[{"name":"f","args":{"a":1}}]"#,
            actions: [.start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"a":1}"#), .stop]),
        AssemblerCase(
            label: "a whole call without arguments", parts: #"[{"name":"f"}]"#,
            actions: [.start(id: "call_r_0", name: "f", signature: nil), .arguments("{}"), .stop]),
        AssemblerCase(
            label: "streamed, ended by an empty functionCall",
            parts:
                #"[{"name":"f","willContinue":true,"_sig":true},{"partialArgs":[{"jsonPath":"$.a","stringValue":"x","willContinue":true}],"willContinue":true},{"willContinue":true},{}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: sig), .arguments(#"{"a":"x"#), .arguments(#""}"#), .stop,
            ]),
        AssemblerCase(
            label: "streamed, ended by its last piece",
            parts:
                #"[{"name":"f","partialArgs":[{"jsonPath":"$.n","numberValue":1}],"willContinue":true},{"partialArgs":[{"jsonPath":"$.m","numberValue":2}]}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"n":1"#), .arguments(#","m":2}"#),
                .stop,
            ]),
        AssemblerCase(label: "an end marker with nothing open", parts: #"[{}]"#, actions: []),
        AssemblerCase(
            label: "a streamed call without pieces", parts: #"[{"name":"f","willContinue":true},{}]"#,
            actions: [.start(id: "call_r_0", name: "f", signature: nil), .arguments("{}"), .stop]),
        AssemblerCase(
            label: "a new name without ids ends the open call",
            parts:
                #"[{"name":"f","willContinue":true},{"partialArgs":[{"jsonPath":"$.a","numberValue":1}],"willContinue":true},{"name":"g","willContinue":true},{"partialArgs":[{"jsonPath":"$.b","numberValue":2}],"willContinue":true},{}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"a":1"#), .arguments("}"), .stop,
                .start(id: "call_r_1", name: "g", signature: nil), .arguments(#"{"b":2"#), .arguments("}"), .stop,
            ]),
        AssemblerCase(
            label: "the same name repeated continues the call",
            parts:
                #"[{"name":"f","willContinue":true},{"name":"f","partialArgs":[{"jsonPath":"$.a","numberValue":1}],"willContinue":true},{"name":"f","args":{"b":2}}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"a":1"#), .arguments(#","b":2}"#),
                .stop,
            ]),
        AssemblerCase(
            label: "a whole call waits for the streamed one",
            parts:
                #"[{"name":"f","willContinue":true},{"id":"w","name":"g","args":{}},{"partialArgs":[{"jsonPath":"$.a","numberValue":1}]}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"a":1}"#), .stop,
                .start(id: "w", name: "g", signature: nil), .arguments("{}"), .stop,
            ]),
        AssemblerCase(
            label: "calls with ids interleave",
            parts:
                #"[{"id":"a","name":"f","willContinue":true},{"id":"b","name":"g","partialArgs":[{"jsonPath":"$.y","numberValue":2}],"willContinue":true},{"id":"a","partialArgs":[{"jsonPath":"$.x","numberValue":1}],"willContinue":true},{"id":"b"},{"id":"a"}]"#,
            actions: [
                .start(id: "a", name: "f", signature: nil), .arguments(#"{"x":1"#), .arguments("}"), .stop,
                .start(id: "b", name: "g", signature: nil), .arguments(#"{"y":2}"#), .stop,
            ]),
        AssemblerCase(
            label: "the name comes after the first piece",
            parts:
                #"[{"partialArgs":[{"jsonPath":"$.a","numberValue":1}],"willContinue":true},{"name":"late","willContinue":true},{}]"#,
            actions: [
                .start(id: "call_r_0", name: "late", signature: nil), .arguments(#"{"a":1"#), .arguments("}"), .stop,
            ]),
        AssemblerCase(
            label: "a signature after the start",
            parts: #"[{"name":"f","willContinue":true},{"partialArgs":[],"willContinue":true,"_sig":true},{}]"#,
            actions: [.start(id: "call_r_0", name: "f", signature: nil), .signature(sig), .arguments("{}"), .stop]),
        AssemblerCase(
            label: "unfinished at the end of the stream",
            parts:
                #"[{"name":"f","partialArgs":[{"jsonPath":"$.a","stringValue":"x","willContinue":true}],"willContinue":true}]"#,
            actions: [
                .start(id: "call_r_0", name: "f", signature: nil), .arguments(#"{"a":"x"#), .arguments(#""}"#), .stop,
            ]),
    ]

    @Test(arguments: assemblerCases)
    func callAssembler(_ c: AssemblerCase) throws {
        let parts = try #require(try JSONValue(parsing: Array(c.parts.utf8)).arrayValue)
        var a = Gemini.CallAssembler(responseID: "r")
        var actions: [Gemini.CallAssembler.Action] = []
        for p in parts { actions += a.functionCall(p, signature: p["_sig"] != nil ? Self.sig : nil) }
        actions += a.finish()
        #expect(actions == c.actions)
        #expect(!a.isBusy)
    }

    // MARK: - Around the calls

    /// Text that arrives inside a streamed call's tool block waits for the call, so every client stream stays valid.
    @Test func textDuringAStreamedCallWaits() throws {
        let chunks = [
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","willContinue":true}}]}}],"responseId":"r"}"#,
            #"{"candidates":[{"content":{"parts":[{"text":"meanwhile"}]}}]}"#,
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.a","numberValue":1}],"willContinue":true}}]}}]}"#,
            #"{"candidates":[{"content":{"parts":[{"functionCall":{}},{"text":" done"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2}}"#,
        ]
        let bytes = Array(chunks.map { "data: " + $0 + "\n\n" }.joined().utf8)
        let events = try FixtureStreamTests.irEvents([bytes], proto: .gemini)
        #expect(Self.blockProblems(events) == [])
        let r = FixtureStreamTests.accumulate(events)
        #expect(Self.calls(r).calls == [#"f {"a":1}"#])
        #expect(Essentials(r).text == "meanwhile done")
        for client in APIProtocol.generative {
            let out = FixtureStreamTests.encode(events, client: client)
            #expect(StreamValidators.validate(out, proto: client, includeUsage: true) == [], "\(client)")
        }
    }

    /// What waits behind an unfinished streamed call is bounded: an upstream that opens a call and never ends it
    /// cannot make the decoder hold its text without end. Once the call is over the count starts again.
    @Test func whatWaitsBehindACallIsBounded() throws {
        let open =
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","willContinue":true}}]}}],"responseId":"r"}"#
        let text = #"{"candidates":[{"content":{"parts":[{"text":"\#(String(repeating: "w", count: 100))"}]}}]}"#
        let end = #"{"candidates":[{"content":{"parts":[{"functionCall":{}}]}}]}"#
        var decoder = Gemini.StreamDecoder(maxHeldBytes: 2_000)
        for chunk in [open] + Array(repeating: text, count: 10) + [end] + Array(repeating: text, count: 50) {
            _ = try decoder.decode(SSEEvent(data: chunk))
        }
        _ = try decoder.decode(SSEEvent(data: open))
        #expect(throws: PlexusError.self) {
            for _ in 0..<30 { _ = try decoder.decode(SSEEvent(data: text)) }
        }
    }

    /// A stream that ends inside a call still gives the client whole, valid arguments.
    @Test func streamCutInsideACall() throws {
        let bytes =
            Array(
                #"data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","partialArgs":[{"jsonPath":"$.q.r[0]","stringValue":"ab","willContinue":true}],"willContinue":true}}]}}]}"#
                    .utf8) + [10, 10]
        let events = try FixtureStreamTests.irEvents([bytes], proto: .gemini)
        #expect(Self.blockProblems(events) == [])
        #expect(Self.calls(FixtureStreamTests.accumulate(events)).calls == [#"f {"q":{"r":["ab"]}}"#])
    }

    /// Outside a stream (a unary answer or a history turn) a call in pieces is assembled the same way.
    @Test func unaryAndHistoryCallsInPieces() throws {
        let call =
            #"{"functionCall":{"name":"f","partialArgs":[{"jsonPath":"$.a","stringValue":"x","willContinue":true},{"jsonPath":"$.a","stringValue":"y"},{"jsonPath":"$.b[0]","numberValue":1}]}}"#
        let unary =
            #"{"candidates":[{"content":{"role":"model","parts":[\#(call),{"functionCall":{"name":"g","args":{"k":true}}}]},"finishReason":"STOP"}]}"#
        let r = try Translator.decodeResponse(Array(unary.utf8), from: .gemini)
        #expect(Self.calls(r).calls == [#"f {"a":"xy","b":[1]}"#, #"g {"k":true}"#])
        let request = #"{"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[\#(call)]}]}"#
        let history = try T.decode(request, from: .gemini)
        let parts = history.messages[1].parts
        guard case .toolCall(let c)? = parts.first else {
            Issue.record("no call in \(parts)")
            return
        }
        #expect(Essentials.args(c.arguments) == ["a": "xy", "b": [1]])
    }

    /// The gateway never asks an upstream to stream arguments; a Gemini client that asks is served whole calls
    /// when its target speaks another protocol (and gets Google's own stream in passthrough).
    @Test func streamedArgumentsFlagInRequests() throws {
        let tools = #""tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":{"type":"object"}}]}]"#
        let gemini =
            #"{"contents":[{"parts":[{"text":"hi"}]}],\#(tools),"toolConfig":{"functionCallingConfig":{"mode":"AUTO","streamFunctionCallArguments":true}}}"#
        for target in [APIProtocol.chat, .messages] {
            let body = try T.translate(gemini, from: .gemini, to: target)
            #expect(!body.jsonString.contains("streamFunctionCall"), "\(target)")
        }
        let chat =
            #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"#
        let up = try T.translate(chat, from: .chat, to: .gemini)
        #expect(up["toolConfig"]?["functionCallingConfig"]?["streamFunctionCallArguments"] == nil)
    }
}
