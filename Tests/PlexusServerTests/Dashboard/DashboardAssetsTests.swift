import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import PlexusServer

/// The files of ui/ as they are in the source tree (the same selection `scripts/embed-ui` makes).
enum UIFolder {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ui")

    /// Paths relative to ui/, dot files skipped.
    static let paths: [String] = {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var out: [String] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            out.append(relative)
        }
        return out.sorted()
    }()

    static func bytes(_ path: String) -> [UInt8] {
        (try? Data(contentsOf: root.appendingPathComponent(path))).map { Array($0) } ?? []
    }
}

@Suite("Dashboard assets and routes", .timeLimit(.minutes(2)))
struct DashboardAssetsTests {
    @Test func everyFileOfUIIsEmbeddedAndNothingElse() {
        #expect(UIFolder.paths.contains("index.html"))
        #expect(Set(DashboardAssets.byPath.keys) == Set(UIFolder.paths), "run scripts/embed-ui after changing ui/")
    }

    @Test(arguments: UIFolder.paths)
    func embeddedBytesMatchTheFile(path: String) throws {
        let asset = try #require(DashboardAssets.byPath[path], "\(path) is not embedded: run scripts/embed-ui")
        #expect(asset.bytes == UIFolder.bytes(path), "\(path) changed since scripts/embed-ui ran")
        #expect(!asset.contentType.isEmpty)
    }

    /// A route, the status it answers, and what its content type or Location header must start with.
    struct RouteCase: Sendable, CustomTestStringConvertible {
        let path: String
        let status: Int
        let contentType: String?
        let location: String?
        let body: String?
        var testDescription: String { "GET \(path) → \(status)" }
    }

    static let routes: [RouteCase] = [
        .init(path: "/", status: 302, contentType: nil, location: "/ui/", body: nil),
        .init(path: "/ui", status: 302, contentType: nil, location: "/ui/", body: nil),
        .init(path: "/ui/", status: 200, contentType: "text/html", location: nil, body: "index.html"),
        .init(path: "/ui/index.html", status: 200, contentType: "text/html", location: nil, body: "index.html"),
        .init(path: "/ui/app.css", status: 200, contentType: "text/css", location: nil, body: "app.css"),
        .init(path: "/ui/js/app.js", status: 200, contentType: "text/javascript", location: nil, body: "js/app.js"),
        .init(
            path: "/ui/js/pages/logs.js", status: 200, contentType: "text/javascript", location: nil,
            body: "js/pages/logs.js"),
        .init(path: "/ui/favicon.svg", status: 200, contentType: "image/svg+xml", location: nil, body: "favicon.svg"),
        .init(path: "/ui/missing.js", status: 404, contentType: "text/plain", location: nil, body: nil),
        .init(path: "/ui/js/../../Package.swift", status: 404, contentType: nil, location: nil, body: nil),
    ]

    @Test func routesServeTheEmbeddedFilesWithAStrictPolicy() async throws {
        try await TestGateway.with(yaml: "") { gw in
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            defer { _ = client.shutdown() }
            for route in Self.routes {
                let response = try await client.execute(
                    HTTPClientRequest(url: gw.base + route.path), timeout: .seconds(10))
                var buffer = try await response.body.collect(upTo: 4 << 20)
                let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                #expect(Int(response.status.code) == route.status, "\(route.path)")
                if let type = route.contentType {
                    #expect(response.headers.first(name: "content-type")?.hasPrefix(type) == true, "\(route.path)")
                }
                if let location = route.location { #expect(response.headers.first(name: "location") == location) }
                if let file = route.body { #expect(bytes == UIFolder.bytes(file), "\(route.path)") }
                if route.status == 200 {
                    let policy = response.headers.first(name: "content-security-policy") ?? ""
                    #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"))
                    #expect(!policy.contains("unsafe"))
                    #expect(response.headers.first(name: "x-content-type-options") == "nosniff")
                }
            }
        }
    }
}
