import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the dashboard at `/ui/` from assets embedded in the binary (`scripts/embed-ui`), under a strict
/// same-origin Content-Security-Policy. The pages talk only to the management API.
struct DashboardRoutes {
    /// Scripts, styles, images and connections from this origin only; no inline code, no framing.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.redirect(to: "/ui/") }
        // The router treats `/ui` and `/ui/` alike; the page's relative asset paths need the slash.
        router.get("/ui/") { request, _ in
            request.uri.path.hasSuffix("/") ? Self.serve("index.html") : Self.redirect(to: "/ui/")
        }
        router.get("/ui/**") { _, context in
            Self.serve(context.parameters.getCatchAll().joined(separator: "/"))
        }
    }

    /// The asset at `path` (relative to ui/), or a plain 404. Paths are looked up, never joined to a folder.
    static func serve(_ path: String) -> Response {
        guard let asset = DashboardAssets.byPath[path.isEmpty ? "index.html" : path] else {
            var headers = securityHeaders
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
        }
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        // Assets change with the binary: revalidate instead of caching stale pages after an upgrade.
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    static func redirect(to location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .found, headers: headers)
    }

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("content-security-policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("x-content-type-options")!] = "nosniff"
        headers[HTTPField.Name("referrer-policy")!] = "no-referrer"
        headers[HTTPField.Name("x-frame-options")!] = "DENY"
        return headers
    }
}
