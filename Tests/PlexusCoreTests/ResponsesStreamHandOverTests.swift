import PlexusCore
import Testing

/// A Responses client's closing events each repeat the item's whole text: the encoder hands them over one piece at a
/// time (`more()`), so a long answer is never held as bytes four times over.
@Suite struct ResponsesStreamHandOverTests {
    /// 27 KiB of text in three deltas, with quotes and line breaks that the JSON escapes: each closing event is
    /// past what a call hands over (the encoders below take 8 KiB, where the relay's take a megabyte).
    static let piece = String(repeating: "say \"hi\"\n", count: 1000)

    static func encoder() -> Responses.StreamEncoder { Responses.StreamEncoder(model: "m", handOverBytes: 8 << 10) }
    static let text = piece + piece + piece

    static func opened(_ enc: inout Responses.StreamEncoder) -> [[UInt8]] {
        var out = [enc.encode(.start(id: "msg_1", model: "up", created: nil))]
        out.append(enc.encode(.blockStart(index: 0, kind: .text)))
        for _ in 0..<3 { out.append(enc.encode(.delta(index: 0, delta: .text(piece)))) }
        return out
    }

    static func drain(_ first: [UInt8], _ enc: inout Responses.StreamEncoder) -> [[UInt8]] {
        var pieces = [first]
        while let more = enc.more() { pieces.append(more) }
        return pieces
    }

    static func valid(_ pieces: [[UInt8]]) -> [JSONValue] {
        let bytes = pieces.reduce(into: [UInt8]()) { $0 += $1 }
        #expect(StreamValidators.validate(bytes, proto: .responses, includeUsage: true) == [])
        return ResponsesStreamTests.json(bytes)
    }

    @Test func aLongAnswerEndsOneClosingEventAtATime() throws {
        var enc = Self.encoder()
        let opened = Self.opened(&enc)
        let closing = Self.drain(enc.finish(), &enc)
        let sizes = closing.map(\.count)
        // output_text.done, content_part.done, output_item.done, response.completed: one each.
        #expect(closing.count == 4, "\(sizes)")
        #expect(sizes.allSatisfy { $0 > Self.text.utf8.count && $0 < Self.text.utf8.count * 3 / 2 }, "\(sizes)")
        #expect(enc.more() == nil)
        let events = Self.valid(opened + closing)
        #expect(events.last?["response"]?["output"]?.at(0)?["content"]?.at(0)?["text"]?.stringValue == Self.text)
    }

    /// A caller that does not ask `more()` gets what waits at its next call, before anything newer.
    @Test func whatWaitsComesFirstAtTheNextCall() throws {
        var enc = Self.encoder()
        var pieces = Self.opened(&enc)
        pieces.append(enc.encode(.blockStart(index: 1, kind: .text)))
        pieces.append(enc.encode(.delta(index: 1, delta: .text("tail"))))
        pieces.append(enc.encode(.blockStop(index: 1)))
        pieces += Self.drain(enc.finish(), &enc)
        let output = try #require(Self.valid(pieces).last?["response"]?["output"]?.arrayValue)
        #expect(output.map { $0["content"]?.at(0)?["text"]?.stringValue } == [Self.text, "tail"])
    }

    /// An error ends the stream with `response.failed`, its closing events handed over in pieces as well.
    @Test func anErrorAfterALongAnswerEndsInPieces() throws {
        var enc = Self.encoder()
        let opened = Self.opened(&enc)
        let closing = Self.drain(enc.encode(.error(PlexusError(.upstream, "cut"))), &enc)
        #expect(closing.count == 4)
        #expect(enc.finish().isEmpty && enc.more() == nil)
        let events = Self.valid(opened + closing)
        #expect(events.last?["type"] == "response.failed")
        #expect(enc.finalResponse?["status"] == "failed")
    }
}
