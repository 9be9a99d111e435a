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
