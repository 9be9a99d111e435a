import PlexusCore

/// `SSEParser` fed in pieces must give the events the WHATWG algorithm gives for the whole stream.
///
/// Two documented departures from the WHATWG text are kept in the reference, since Plexus relies on them: an event
/// with an `event:` line and no `data:` is still delivered (with empty data), and a leading byte-order mark is not
/// removed (no LLM API sends one); and an event left without its blank line at the end of the stream is delivered
/// by `finish()` (an upstream that closes right after its last event still sent it).
enum SSEParserCheck {
    static func check(_ input: [UInt8]) -> String? {
        let expected = reference(input)
        var parser = SSEParser()
        var got: [SSEEvent] = []
        for piece in FuzzSplits.pieces(input, at: FuzzSplits.cuts(count: input.count, seed: input.reversed())) {
            got += parser.feed(piece)
        }
        got += parser.finish()
        guard got == expected else {
            return "SSE events differ from the WHATWG algorithm: got \(got.prefix(3)), expected \(expected.prefix(3))"
        }
        return checkBounded(input, expected: expected)
    }

    /// With a small bound, the parser gives the first events and then stops (never a wrong or cut event), and an
    /// input no longer than the bound never trips it.
    static func checkBounded(_ input: [UInt8], expected: [SSEEvent]) -> String? {
        let bound = 48
        var parser = SSEParser(maxEventBytes: bound)
        var got: [SSEEvent] = []
        for piece in FuzzSplits.pieces(input, at: FuzzSplits.cuts(count: input.count, seed: input)) {
            got += parser.feed(piece)
        }
        got += parser.finish()
        guard got.count <= expected.count, Array(expected.prefix(got.count)) == got else {
            return "a bounded SSE parser gave events the unbounded one does not: \(got.prefix(3))"
        }
        if input.count <= bound, parser.overflowed || got != expected {
            return "an input of \(input.count) bytes tripped the bound of \(bound)"
        }
        return nil
    }

    /// The event-stream interpretation of WHATWG HTML section 9.2.6, one line at a time.
    static func reference(_ input: [UInt8]) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var data: [UInt8] = []
        var hasData = false
        var event: String?
        var id: String?
        var sawField = false
        func dispatch() {
            if sawField, hasData || event != nil {
                events.append(SSEEvent(event: event, data: String(decoding: data, as: UTF8.self), id: id))
            }
            data = []
            hasData = false
            event = nil
            sawField = false
        }
        func line(_ l: ArraySlice<UInt8>) {
            guard let first = l.first else { return dispatch() }
            if first == UInt8(ascii: ":") { return }
            let colon = l.firstIndex(of: UInt8(ascii: ":"))
            let name = l[l.startIndex..<(colon ?? l.endIndex)]
            var value = colon.map { l[($0 + 1)...] } ?? []
            if value.first == 0x20 { value = value.dropFirst() }
            sawField = true
            switch String(decoding: name, as: UTF8.self) {
            case "data":
                if hasData { data.append(0x0A) }
                data += value
                hasData = true
            case "event": event = String(decoding: value, as: UTF8.self)
            case "id": id = String(decoding: value, as: UTF8.self)
            default: break
            }
        }
        var start = 0
        var i = 0
        while i < input.count {
            let byte = input[i]
            guard byte == 0x0A || byte == 0x0D else {
                i += 1
                continue
            }
            line(input[start..<i])
            i += byte == 0x0D && i + 1 < input.count && input[i + 1] == 0x0A ? 2 : 1
            start = i
        }
        if start < input.count { line(input[start...]) }
        dispatch()
        return events
    }
}
