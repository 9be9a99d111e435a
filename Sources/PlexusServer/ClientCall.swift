import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import PlexusCore
import PlexusHTTP

/// An inference call as the engine reads it: its headers, where it was sent, its body. From the connection loop it
/// wraps the raw head (no `HTTPFields` built unless a trace wants them); from the router, Hummingbird's request.
struct ClientCall: Sendable {
    enum Headers: Sendable {
        case head(InboundHead)
        case fields(HTTPFields)
    }

    let headers: Headers
    /// Path and query.
    let target: String
    let body: RequestBody
    /// The body when the connection already collected it (else it is read from `body`).
    let wholeBody: ByteBuffer?
    /// The key the connection's client proved last (nil through the router).
    let keyMemo: KeyMemo?

    init(head: InboundHead, body: RequestBody, wholeBody: ByteBuffer?, keyMemo: KeyMemo? = nil) {
        headers = .head(head)
        target = head.target
        self.body = body
        self.wholeBody = wholeBody
        self.keyMemo = keyMemo
    }

    init(_ request: Request) {
        headers = .fields(request.headers)
        target = request.uri.string
        body = request.body
        wholeBody = nil
        keyMemo = nil
    }

    /// The body within `limit` bytes: the one the connection collected as it is, else read from the stream (a
    /// declared length past the limit is refused before reading).
    func collectBody(upTo limit: Int) async throws(PlexusError) -> ByteBuffer {
        if let wholeBody {
            guard wholeBody.readableBytes <= limit else { throw Self.tooLarge(wholeBody.readableBytes, limit: limit) }
            return wholeBody
        }
        if let length = header(.contentLength).flatMap(Int.init), length > limit {
            throw Self.tooLarge(length, limit: limit)
        }
        do {
            // From `body`: `Request.collectBody` is mutating, and the copy of the request it needed cost about 2k
            // instructions; nothing reads the body again.
            return try await body.collect(upTo: limit)
        } catch {
            throw PlexusError(.requestTooLarge, "request body is over the limit of \(limit) bytes")
        }
    }

    private static func tooLarge(_ length: Int, limit: Int) -> PlexusError {
        PlexusError(.requestTooLarge, "request body of \(length) bytes is over the limit of \(limit) bytes")
    }

    /// The value of `name` (repeated fields joined with ", ").
    func header(_ name: HTTPField.Name) -> String? {
        switch headers {
        case .head(let head): head.value(of: name)
        case .fields(let fields): fields.value(of: name)
        }
    }

    /// Calls `body` with the bytes of `name`'s value (nil when absent; repeated fields joined with ", ").
    func withHeader<R>(_ name: HTTPField.Name, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        switch headers {
        case .head(let head):
            return head.fields.withValue(lowercase: name.canonicalName, body)
        case .fields(let fields):
            guard var value = fields.value(of: name) else { return body(nil) }
            return value.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Every value of `name`, in order.
    func headers(named name: HTTPField.Name) -> [String] {
        switch headers {
        case .head(let head): head.values(of: name)
        case .fields(let fields): fields[values: name]
        }
    }

    /// All fields (debug traces).
    var headerFields: HTTPFields {
        switch headers {
        case .head(let head): head.headerFields
        case .fields(let fields): fields
        }
    }

    /// The query parameter `name` (Gemini's `?key=`, `?alt=`).
    func query(_ name: String) -> String? {
        guard target.utf8.contains(UInt8(ascii: "?")) else { return nil }
        return URI(target).queryParameters[name[...]].map(String.init)
    }

    /// The target without its query.
    var path: Substring { InboundHead.path(of: target) }
}
