import HTTPTypes
import Testing

@testable import PlexusServer

/// The byte-level readers of client credentials and headers agree with the plain definitions.
@Suite("Client credentials")
struct ClientCredentialsTests {
    @Test(
        arguments: [
            ("Bearer sk-1", "sk-1"), ("bearer sk-1", "sk-1"), ("BEARER  sk-1  ", "sk-1"), ("Bearer a b", "a b"),
            ("Bearer   ", ""), ("Bearer", nil), ("Bearer ", nil), ("Basic abcdef", nil), ("Bearerx sk-1", nil),
            ("Bear er sk", nil), (" Bearer sk-1", nil), ("Bearer ключ", "ключ"),
        ] as [(String, String?)])
    func bearerToken(header: String, token: String?) {
        var header = header
        let found = header.withUTF8 { b in
            ClientCredentials.bearer(UnsafeRawBufferPointer(b)).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(found == token)
    }

    @Test func valueOfAFieldIsTheSubscriptsValue() {
        var fields: HTTPFields = [.userAgent: "u", .contentLength: "12", .accept: "a"]
        #expect(fields.value(of: .contentLength) == "12")
        #expect(fields.value(of: .authorization) == nil)
        fields.append(HTTPField(name: .accept, value: "b"))
        #expect(fields.value(of: .accept) == "a, b")
        #expect(fields.value(of: .accept) == fields[.accept])
    }
}
