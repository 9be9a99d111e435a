import Foundation
import NIOHTTP1
import PlexusCore
import Testing

@testable import PlexusServer

/// Issue 5, point 8: the OpenAPI document is served, matches docs/openapi.json, and every route it lists exists.
@Suite("OpenAPI document", .serialized, .timeLimit(.minutes(2)))
struct OpenAPITests {
    static let docsFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.json")

    @Test func servedDocumentIsTheOneInTheRepository() async throws {
        let onDisk = try JSONValue(parsing: try String(contentsOf: Self.docsFile, encoding: .utf8))
        #expect(try JSONValue(parsing: OpenAPIDocument.json) == onDisk, "run scripts/embed-openapi")
        try await TestGateway.with(yaml: managementYAML()) { gw in
            let served = try await gw.admin(.GET, "/v0/openapi.json", as: .none)
            #expect(served.status == 200)
            #expect(served.json == onDisk)
        }
    }

    @Test func everyDocumentedRouteExists() async throws {
        let doc = try JSONValue(parsing: OpenAPIDocument.json)
        let paths = try #require(doc["paths"]?.objectValue)
        #expect(paths.pairs.count >= 20)
        try await TestGateway.with(yaml: managementYAML()) { gw in
            for (template, operations) in paths.pairs {
                let path = template.replacingOccurrences(of: "{name}", with: "no-such-name")
                    .replacingOccurrences(of: "{request_id}", with: "req_missing")
                    .replacingOccurrences(of: "{provider}", with: "p").replacingOccurrences(of: "{model}", with: "m/x")
                for (method, _) in operations.objectValue?.pairs ?? [] {
                    // Safe probes: deletes and puts of names that do not exist, or bodies that do not validate.
                    let body: String? =
                        switch method {
                        case "put" where path.hasSuffix("/config"): "{{{"
                        case "put": #"{"targets": [{"provider": "missing", "model": "x"}], "api_base_url": "mock://"}"#
                        case "patch": "{}"
                        case "post": #"{"admin_key": "x"}"#
                        default: nil
                        }
                    if path.hasSuffix("/events") { continue }  // an endless stream; covered by ObservabilityTests
                    let answer = try await gw.admin(HTTPMethod(rawValue: method.uppercased()), path, body: body)
                    let ours = answer.json["error"]?["code"] != nil || (200..<300).contains(answer.status)
                    #expect(ours, "\(method.uppercased()) \(template): \(answer.status) \(answer.body.prefix(120))")
                }
            }
        }
    }
}
