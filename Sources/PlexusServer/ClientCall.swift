import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

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

    /// The value of `name` (repeated fields joined with ", ").
    func header(_ name: HTTPField.Name) -> String? {
        switch headers {
        case .head(let head): head.value(of: name)
        case .fields(let fields): fields.value(of: name)
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
    var path: Substring {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<q]
    }
}
