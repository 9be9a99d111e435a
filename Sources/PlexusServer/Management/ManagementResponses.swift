import HTTPTypes
import Hummingbird
import NIOCore
import PlexusCore

/// JSON answers of the management API.
enum ManagementResponses {
    static func json(_ value: JSONValue, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json"
        h[.cacheControl] = "no-store"
        return Response(
            status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    static func error(_ error: ManagementError) -> Response { json(error.json, status: error.code.status) }

    static func text(_ text: String, contentType: String, status: Int = 200) -> Response {
        var h = HTTPFields()
        h[.contentType] = contentType
        h[.cacheControl] = "no-store"
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Request {
    /// The body parsed as a JSON object (management payloads are small).
    mutating func jsonObject(limit: Int = 4 << 20) async throws(ManagementError) -> JSONObject {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch {
            throw ManagementError(.invalidRequest, "request body too large")
        }
        do {
            guard case .object(let object) = try JSONValue(parsing: buffer.readableBytesView) else {
                throw ManagementError(.invalidRequest, "the body must be a JSON object")
            }
            return object
        } catch let error as ManagementError {
            throw error
        } catch {
            throw ManagementError(.invalidRequest, "malformed JSON body: \(error)")
        }
    }

    mutating func text(limit: Int = 4 << 20) async throws(ManagementError) -> String {
        do {
            let buffer = try await collectBody(upTo: limit)
            return String(buffer: buffer)
        } catch {
            throw ManagementError(.invalidRequest, "request body too large")
        }
    }
}
