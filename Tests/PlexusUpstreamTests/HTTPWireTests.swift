import PlexusHTTP
import Testing

@testable import PlexusUpstream

/// The byte classes and line finding of `HTTPWire`, against their plain definitions.
@Suite("HTTP wire syntax")
struct HTTPWireTests {
    static func plainToken(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }

    @Test func tokenBytesAreTheRFCsForEveryByte() {
        for b in UInt8.min...UInt8.max {
            #expect(HTTPWire.isTokenByte(b) == Self.plainToken(b), "byte \(b)")
        }
    }

    /// Every byte value at every position of values up to 20 bytes long (word and tail paths alike).
    @Test func fieldValuesAreCheckedAtEveryPosition() {
        for length in [1, 7, 8, 9, 16, 20] {
            for position in 0..<length {
                for b in UInt8.min...UInt8.max {
                    var value = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    value[position] = b
                    let expected = (b >= 0x20 && b != 0x7f) || b == 0x09
                    let got = value.withUnsafeBytes { HTTPWire.isFieldValue($0) }
                    #expect(got == expected, "byte \(b) at \(position) of \(length)")
                }
            }
        }
        #expect([UInt8]().withUnsafeBytes { HTTPWire.isFieldValue($0) })
    }

    @Test func linesAndTheHeadEndAreFound() throws {
        let head = Array("HTTP/1.1 200 OK\r\nA: 1\r\nB:\t2\r\n\r\nbody".utf8)
        var lines: [String] = []
        try head.withUnsafeBytes { b in
            try HTTPWire.forEachLine(b) { lines.append(String(decoding: $0, as: UTF8.self)) }
        }
        #expect(lines == ["HTTP/1.1 200 OK", "A: 1", "B:\t2"])
        #expect(head.withUnsafeBytes { HTTPWire.headEnd($0) } == head.count - 4)
        #expect(Array("A: 1\r\n\r".utf8).withUnsafeBytes { HTTPWire.headEnd($0) } == nil)
        #expect([UInt8]().withUnsafeBytes { HTTPWire.headEnd($0) } == nil)
    }

    /// llhttp refuses a bare LF, so the head is cut at the first one and its lines' reader refuses it.
    @Test func aBareLineFeedEndsTheHeadAndIsRefused() {
        let head = Array("GET / HTTP/1.1\r\nA: 1\nB: 2\r\n\r\n".utf8)
        let end = head.withUnsafeBytes { HTTPWire.headEnd($0) }
        #expect(end == 21)
        #expect(throws: HTTPWireError.self) {
            try head.withUnsafeBytes {
                try HTTPWire.forEachLine(UnsafeRawBufferPointer(rebasing: $0[..<end!])) { _ in }
            }
        }
    }
}
