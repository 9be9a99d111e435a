import Testing

@testable import PlexusCore

/// `IR.StreamEvent.heldBytes`: what the gateway bounds a translated stream by. Every event costs something (a flood
/// of empty blocks grows maps too), and the text an event carries counts in full, in UTF-8 bytes.
@Suite struct StreamWeightTests {
    static let cases: [(IR.StreamEvent, Int)] = [
        (.start(id: "abc", model: "m", created: nil), 32 + 4),
        (.blockStart(index: 0, kind: .text), 32),
        (.blockStart(index: 1, kind: .toolCall(id: "call_1", name: "f", signature: nil)), 32 + 7),
        (
            .blockStart(
                index: 1, kind: .toolCall(id: "c", name: "f", signature: IR.Signature("sig", origin: .messages))),
            32 + 5
        ),
        (.blockStart(index: 2, kind: .redactedThinking(IR.RedactedThinking(data: "xyz"))), 32 + 3),
        (.blockStart(index: 3, kind: .opaque(IR.Opaque(origin: .gemini, value: ["k": "v"]))), 32 + 9),
        (.delta(index: 0, delta: .text("héllo")), 32 + 6),
        (.delta(index: 0, delta: .thinking("")), 32),
        (.delta(index: 1, delta: .arguments(#"{"a":1}"#)), 32 + 7),
        (.delta(index: 1, delta: .signature(IR.Signature("ss", origin: .gemini))), 32 + 2),
        (.blockStop(index: 0), 32),
        (.usage(IR.Usage()), 32),
        (.stop(.endTurn, stopSequence: nil), 32),
    ]

    @Test(arguments: cases)
    func eachEventWeighsItsText(_ event: IR.StreamEvent, _ bytes: Int) {
        #expect(event.heldBytes == bytes)
    }

    @Test func aSequenceWeighsItsSum() {
        #expect(Self.cases.map(\.0).heldBytes == Self.cases.reduce(0) { $0 + $1.1 })
    }
}
