import PlexusCore
import Testing

/// Every captured stream: decoded, split at random, and re-encoded for every client protocol.
@Suite struct FixtureStreamTests {
    static func irEvents(_ chunks: [[UInt8]], proto: APIProtocol) throws -> [IR.StreamEvent] {
        var parser = SSEParser()
        var decoder = StreamCodecs.decoder(for: proto)
        var out: [IR.StreamEvent] = []
        for c in chunks {
            for e in parser.feed(c) { out += try decoder.decode(e) }
        }
        for e in parser.finish() { out += try decoder.decode(e) }
        return out + decoder.finish()
    }

    static func accumulate(_ events: [IR.StreamEvent]) -> IR.Response {
        var acc = StreamAccumulator()
        for e in events { acc.add(e) }
        return acc.response
    }

    static func encode(
        _ events: [IR.StreamEvent], client: APIProtocol, includeUsage: Bool = true, jsonArray: Bool = false
    ) -> [UInt8] {
        var enc = StreamCodecs.encoder(
            for: client, clientModel: "my-alias", includeUsage: includeUsage, geminiJSONArray: jsonArray)
        var out: [UInt8] = []
        for e in events { out += enc.encode(e) }
        return out + enc.finish()
    }

    @Test(arguments: Fixtures.streams)
    func decodesAsCaptured(_ f: Fixture) throws {
        let events = try Self.irEvents([f.bytes], proto: f.proto)
        let r = Self.accumulate(events)
        #expect(Essentials(r) == RawStreamExpectations.stream(f))
        #expect(r.stopReason != nil)
        #expect(r.usage != nil)
        // IR blocks are contiguous from 0 and each one starts before it is used.
        var started: [Int] = []
        for case .blockStart(let i, _) in events { started.append(i) }
        #expect(started == Array(0..<started.count))
    }

    @Test(arguments: Fixtures.streams, [1, 2, 3, 4, 5] as [UInt64])
    func randomSplitsGiveTheSameEvents(_ f: Fixture, _ seed: UInt64) throws {
        let whole = try Self.irEvents([f.bytes], proto: f.proto)
        let split = try Self.irEvents(f.bytes.randomSplits(seed: seed, maxPiece: seed == 1 ? 1 : 97), proto: f.proto)
        #expect(split == whole)
        #expect(!whole.isEmpty)
    }

    @Test(arguments: Fixtures.streams, APIProtocol.generative)
    func reencodesForEveryClient(_ f: Fixture, _ client: APIProtocol) throws {
        let events = try Self.irEvents([f.bytes], proto: f.proto)
        let r = Self.accumulate(events)
        let bytes = Self.encode(events, client: client)
        #expect(StreamValidators.validate(bytes, proto: client, includeUsage: true) == [])
        let back = Self.accumulate(try Self.irEvents([bytes], proto: client))
        #expect(Essentials(back) == Essentials(r).seenThrough(client))
        // The client's decoder sees the same thing whatever the byte split.
        let split = Self.accumulate(try Self.irEvents(bytes.randomSplits(seed: 7, maxPiece: 13), proto: client))
        #expect(Essentials(split) == Essentials(back))
    }

    @Test(arguments: Fixtures.streams)
    func reencodesAsGeminiJSONArray(_ f: Fixture) throws {
        let events = try Self.irEvents([f.bytes], proto: f.proto)
        let r = Self.accumulate(events)
        let bytes = Self.encode(events, client: .gemini, jsonArray: true)
        #expect(StreamValidators.validate(bytes, proto: .gemini, includeUsage: true, jsonArray: true) == [])
        for seed in [3, 4] as [UInt64] {
            var parser = Gemini.ArrayStreamParser()
            var decoder = StreamCodecs.decoder(for: .gemini)
            var back: [IR.StreamEvent] = []
            for c in bytes.randomSplits(seed: seed, maxPiece: 11) {
                for e in parser.feed(c) { back += try decoder.decode(e) }
            }
            for e in parser.finish() { back += try decoder.decode(e) }
            back += decoder.finish()
            #expect(Essentials(Self.accumulate(back)) == Essentials(r).seenThrough(.gemini))
        }
    }

    @Test(arguments: Fixtures.streams)
    func openAIUsageChunkOnlyWhenAsked(_ f: Fixture) throws {
        let events = try Self.irEvents([f.bytes], proto: f.proto)
        let bytes = Self.encode(events, client: .chat, includeUsage: false)
        #expect(StreamValidators.validate(bytes, proto: .chat, includeUsage: false) == [])
    }
}
