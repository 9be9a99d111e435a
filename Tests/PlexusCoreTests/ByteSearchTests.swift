import PlexusCore
import Testing

@Suite("Byte search")
struct ByteSearchTests {
    @Test(arguments: [
        ("", false), ("\"usage\":{", true), ("x\"usage\":{\"a\":1}", true), ("\"usage\":null", false),
        ("\"usage\":", false), ("\"usage\"\"usage\":{", true), ("end \"usage\":{", true),
    ])
    func findsTheMarkerOnlyWhereItIs(text: String, found: Bool) {
        #expect(ByteSearch.contains(text, #""usage":{"#) == found)
    }
}

@Suite("Byte search offsets")
struct ByteSearchOffsetTests {
    @Test(
        arguments: [
            ("\"usage\":{}", 0, 0), ("ab\"usage\":{", 0, 2), ("\"usage\":{\"usage\":{", 1, 9), ("\"usage\":{", 1, nil),
            ("\"\"usage\":{", 0, 1), ("\"usage\":", 0, nil), ("", 0, nil),
        ] as [(String, Int, Int?)])
    func findsTheFirstOccurrenceFromAnOffset(text: String, from: Int, offset: Int?) {
        let bytes = Array(text.utf8)
        let found = bytes.withUnsafeBufferPointer { ByteSearch.firstOffset(of: #""usage":{"#, in: $0, from: from) }
        #expect(found == offset)
    }
}
