import Foundation
import NIOCore
import NIOHTTP1
import PlexusCore
import PlexusHTTP
import Testing

@testable import PlexusFuzzChecks

/// What fuzzing found, each pinned on the part that was wrong (the inputs themselves are in `Fuzz/Corpus`).
@Suite("Fuzz findings")
struct FindingRegressionTests {
    static func parse(_ text: String) -> Result<Int, HTTPParserError> {
        var parser = HTTPRequestParser(limits: .init())
        var buffer = ByteBuffer(string: text)
        var ends = 0
        do {
            try parser.parse(&buffer) { if case .end = $0 { ends += 1 } }
            return .success(ends)
        } catch {
            return .failure(error)
        }
    }

    @Test(
        "heads llhttp refuses are refused",
        arguments: [
            "GET / HTTP/1.1\nHost: a\n\n",  // bare LF line ends
            "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",  // one bare LF among CRLFs
            "GEP / HTTP/1.1\r\nHost: a\r\n\r\n",  // a method llhttp does not know
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",  // repeated length
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc",  // a list of lengths
            // chunked applied twice: in two fields, in one list, and around another coding
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            // an empty element after chunked: it is not the last coding
            "POST /vs HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n",
        ])
    func refused(_ head: String) {
        guard case .failure = Self.parse(head) else {
            Issue.record("accepted: \(head.debugDescription)")
            return
        }
        #expect(HTTPParserCheck.llhttp(Array(head.utf8)).requests.isEmpty)
    }

    @Test("standard heads still parse")
    func accepted() throws {
        #expect(try Self.parse("PATCH /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}").get() == 1)
        #expect(try Self.parse("GET /a HTTP/1.1\r\nHost: a\r\n\r\nDELETE /b HTTP/1.1\r\nHost: a\r\n\r\n").get() == 2)
    }

    @Test(
        "numbers outside RFC 8259's grammar or a Double's range are refused",
        arguments: [
            "1e400", "-1e400", "01", "-01", "1.", ".5", "1e", "1e+", "-", "1.e5", "00000000: 3165",
        ])
    func badNumbers(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test(
        "numbers inside it parse", arguments: [("0", 0.0), ("-0.5", -0.5), ("1E3", 1000), ("2e-2", 0.02), ("10", 10)])
    func goodNumbers(_ text: String, _ value: Double) throws {
        #expect(try JSONValue(parsing: text) == .number(value))
    }

    @Test("a long tool call id is cut to OpenAI's 40 bytes, once")
    func toolIDCut() {
        let id = String(repeating: "\u{FFFD}", count: 6) + "toolu_01N8a4jWyf116qKTMqKKmjyt"
        let cut = ToolIDs.openAISafe(id)
        #expect(cut.utf8.count <= 40)
        #expect(ToolIDs.openAISafe(cut) == cut)
    }

    @Test(
        "a request that did not settle now does",
        arguments: [
            "finding-responses-assistant-texts-without-ids", "finding-empty-system-instruction",
            "finding-responses-assistant-content-not-object", "finding-include-thoughts-false",
            "finding-responses-duplicate-content",
        ])
    func settles(_ name: String) throws {
        let url = CorpusReplayTests.corpus.appendingPathComponent("requests/" + name)
        #expect(RequestDecoderCheck.check(Array(try Data(contentsOf: url))) == nil)
    }

    @Test("a Responses content part without a type is refused, naming it")
    func contentPartWithoutType() throws {
        let body = #"{"model":"m","input":[{"role":"user","content":[{"text":"hi"}]}]}"#
        #expect(
            throws: PlexusError(
                .invalidRequest, "'input[0].content[0].type' is required.", param: "input[0].content[0].type")
        ) {
            try Translator.decodeRequest(Array(body.utf8), from: .responses, model: nil)
        }
    }

    @Test("assistant texts without an item id are Responses items of their own")
    func textsWithoutItemIDs() throws {
        let r = IR.Request(
            model: "m",
            messages: [
                IR.Message(
                    role: .assistant,
                    parts: [
                        .text(IR.Text("a")), .text(IR.Text("b")), .text(IR.Text("c", itemID: "msg_1")),
                        .text(IR.Text("d", itemID: "msg_1")),
                    ])
            ])
        let body = try JSONValue(parsing: Translator.encodeRequest(r, to: .responses, upstreamModel: "m"))
        #expect(body["input"]?.arrayValue?.map { $0["content"]?.arrayValue?.count ?? 0 } == [1, 1, 2])
    }

    @Test("an empty system text is not sent to Anthropic, declined thoughts are said to Gemini")
    func emptySystemAndDeclinedThoughts() throws {
        var r = IR.Request(
            model: "m", system: [.text(IR.Text(""))], messages: [IR.Message(role: .user, parts: [.text(IR.Text("hi"))])]
        )
        #expect(try JSONValue(parsing: Translator.encodeRequest(r, to: .messages, upstreamModel: "m"))["system"] == nil)
        r.reasoning = IR.Reasoning(mode: .budget(2048), includeThoughts: false)
        let gemini = try JSONValue(parsing: Translator.encodeRequest(r, to: .gemini, upstreamModel: "g"))
        #expect(gemini["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": 2048, "includeThoughts": false])
    }

    @Test("an assistant message's parts are objects")
    func assistantPartsAreObjects() {
        let body = #"{"model":"m","input":[{"role":"assistant","content":["x"]}]}"#
        #expect(throws: PlexusError.self) {
            try Translator.decodeRequest(Array(body.utf8), from: .responses, model: nil)
        }
    }

    @Test("each check can fail")
    func checksFail() {
        let request = HTTPParserCheck.Parsed(method: "GET", target: "/", http11: true, fields: [], body: [])
        let accepted = HTTPParserCheck.Outcome(requests: [request])
        #expect(HTTPParserCheck.compare(ours: accepted, llhttp: .init(refused: true)) != nil)
        #expect(HTTPParserCheck.compare(ours: .init(), llhttp: accepted) != nil)
        #expect(SSEParserCheck.reference(Array("data: a\n\ndata: b\n\n".utf8)).count == 2)
        #expect(FuzzTarget.json.check(Array("[1, 2".utf8)) == nil)
        #expect(RequestDecoderCheck.difference([1, 2, 3], [1, 2, 4]).hasPrefix("first at byte 2"))
    }
}
