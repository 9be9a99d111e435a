import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PlexusCore

@testable import PlexusServer

/// A management answer: status, headers and body text.
struct AdminAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String

    var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
}

/// How a test authenticates a management call.
enum AdminCredential: Sendable, CustomStringConvertible {
    case none
    case header(String)
    case bearer(String)
    case cookie(String, origin: String?)

    var description: String {
        switch self {
        case .none: "none"
        case .header: "x-admin-key"
        case .bearer: "bearer"
        case .cookie: "cookie"
        }
    }
}

extension TestGateway {
    /// Calls a management route.
    func admin(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        as credential: AdminCredential = .header(Self.adminKey)
    ) async throws -> AdminAnswer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        switch credential {
        case .none: break
        case .header(let key): request.headers.add(name: "x-admin-key", value: key)
        case .bearer(let key): request.headers.add(name: "authorization", value: "Bearer \(key)")
        case .cookie(let token, let origin):
            request.headers.add(name: "cookie", value: "plexus_session=\(token)")
            if let origin { request.headers.add(name: "origin", value: origin) }
        }
        if let body {
            request.headers.add(name: "content-type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 16 << 20)
        return AdminAnswer(
            status: Int(response.status.code), headers: response.headers,
            body: buffer.readString(length: buffer.readableBytes) ?? "")
    }

    /// plexus.yaml as it is on disk now.
    var configText: String {
        (try? String(contentsOf: folder.appendingPathComponent("plexus.yaml"), encoding: .utf8)) ?? ""
    }
}

/// A gateway config with the admin key, the mock and a few aliases; `extra` is appended.
func managementYAML(_ extra: String = "") -> String {
    """
    server:
      admin_key: ${TEST_ADMIN_KEY}
    providers:
      demo:
        api_base_url: mock://
        api_key: ${DEMO_UPSTREAM_KEY:-sk-upstream-canary-default}
      only-messages:
        api_base_url: { messages: "mock://" }
    models:
      demo:
        targets: [ { provider: demo, model: demo-fast } ]
      via-messages:
        targets: [ { provider: only-messages, model: "mock:tokens=12" } ]
    keys:
      tester: { secret: "${TEST_KEY}" }
    \(extra)
    """
}

extension JSONValue {
    /// The element at `index` of an array.
    subscript(_ index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
