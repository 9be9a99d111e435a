import PlexusCore
import Testing

/// Whatever a client or upstream sends, the codecs answer with a value or a PlexusError, never a crash.
@Suite struct RobustnessTests {
    static let small = Fixtures.requests.filter { $0.bytes.count < 5000 }

    @Test(arguments: small)
    func truncatedAndMutatedRequestsNeverCrash(_ f: Fixture) {
        let bytes = f.bytes
        var rng = FixtureRNG(seed: UInt64(bytes.count))
        var variants: [[UInt8]] = stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)).map {
            Array(bytes[..<$0])
        }
        for _ in 0..<40 {
            var m = bytes
            let i = Int.random(in: 0..<m.count, using: &rng)
            m[i] = [UInt8(ascii: "{"), UInt8(ascii: "]"), UInt8(ascii: "\""), 0, UInt8(ascii: "1"), UInt8(ascii: "n")]
                .randomElement(using: &rng)!
            variants.append(m)
        }
        var outcomes = 0
        for v in variants {
            for proto in APIProtocol.generative {
                guard let r = try? Translator.decodeRequest(v, from: proto, model: "m") else {
                    outcomes += 1
                    continue
                }
                for target in APIProtocol.generative {
                    _ = try? Translator.encodeRequest(r, to: target, upstreamModel: "u")
                }
                outcomes += 1
            }
        }
        #expect(outcomes == variants.count * APIProtocol.generative.count)
    }

    static let oddShapes: [String] = [
        #"{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#,
        #"{"messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{"a":1}}}]}]}"#,
        #"{"messages":[{"role":"user","content":7}]}"#,
        #"{"messages":"nope"}"#,
        #"{"contents":[{"parts":[{"functionResponse":{}}]},{"role":"model","parts":[{"functionCall":{"args":"x"}}]}]}"#,
        #"{"contents":[{"parts":"x"}],"tools":[{"functionDeclarations":[{"description":"no name"}]}]}"#,
        #"{"messages":[{"role":"user","content":[{"type":"tool_result","content":[{"type":"tool_result"}]}]}],"tool_choice":{"type":"bogus"}}"#,
        "[]", "null", "\"x\"", "",
    ]

    @Test(arguments: oddShapes)
    func oddShapesGiveAnswersOrClearErrors(_ body: String) {
        for proto in APIProtocol.generative {
            do {
                let r = try Translator.decodeRequest(Array(body.utf8), from: proto, model: "m")
                for target in APIProtocol.generative {
                    _ = try? Translator.encodeRequest(r, to: target, upstreamModel: "u")
                }
            } catch {
                #expect(error.kind == .invalidRequest)
                #expect(!error.message.isEmpty)
            }
        }
    }

    static let oddEvents: [String] = [
        "{}", "[]", #"{"choices":[{"delta":{"tool_calls":[{"index":-3,"function":{"arguments":"x"}}]}}]}"#,
        #"{"type":"content_block_delta","index":99,"delta":{"type":"text_delta","text":"x"}}"#,
        #"{"type":"content_block_start","index":0}"#, #"{"candidates":[{"content":{"parts":[{}]}}]}"#,
        #"{"candidates":"x","usageMetadata":7}"#, "[DONE]", "not json",
    ]

    @Test(arguments: APIProtocol.generative)
    func oddUpstreamEventsNeverCrash(_ proto: APIProtocol) {
        var d = StreamCodecs.decoder(for: proto)
        var encoders = APIProtocol.generative.map {
            StreamCodecs.encoder(for: $0, clientModel: "m", includeUsage: true, geminiJSONArray: false)
        }
        var handled = 0
        for data in Self.oddEvents {
            let events = (try? d.decode(SSEEvent(data: data))) ?? []
            for i in encoders.indices { for e in events { _ = encoders[i].encode(e) } }
            handled += 1
        }
        for i in encoders.indices { #expect(!encoders[i].finish().isEmpty) }
        #expect(handled == Self.oddEvents.count)
    }
}
