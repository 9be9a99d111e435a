import Hummingbird
import PlexusCore
import PlexusStorage

/// `GET` / `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`: stored responses, for the key that
/// created them only; any other key gets the same 404 as an unknown id.
struct ResponsesRoutes {
    let engine: ProxyEngine

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/responses/{id}") { request, context in
            await answer(request, id: context.parameters.get("id")) { stored in
                [UInt8](stored.response.utf8)
            }
        }
        router.get("/v1/responses/{id}/input_items") { request, context in
            await answer(request, id: context.parameters.get("id")) { stored in
                Self.inputItems(stored)
            }
        }
        router.delete("/v1/responses/{id}") { request, context in
            await answer(request, id: context.parameters.get("id"), deleting: true) { stored in
                JSONValue.object(
                    JSONObject([
                        ("id", .string(stored.id)), ("object", "response"), ("deleted", true),
                    ])
                ).serialized()
            }
        }
    }

    private func answer(
        _ request: Request, id: String?, deleting: Bool = false, body: (StoredResponse) -> [UInt8]
    ) async -> Response {
        let requestID = ProxyEngine.newRequestID()
        do {
            let key = try engine.authenticate(ClientCall(request), snapshot: engine.state.current).key
            let stored = try await engine.responses.lookup(id ?? "", key: key.name)
            if deleting { try await engine.responses.delete(stored) }
            return HTTPResponses.json(body(stored), status: 200, headers: [HTTPResponses.requestID: requestID])
        } catch {
            return HTTPResponses.error(error, for: .responses, requestID: requestID)
        }
    }

    /// OpenAI's input item list: every input item of the turn, newest first as OpenAI's default order is.
    static func inputItems(_ stored: StoredResponse) -> [UInt8] {
        let items = (try? JSONValue(parsing: Array(stored.input.utf8)))?.arrayValue ?? []
        let data = Array(items.reversed())
        let first = data.first?["id"] ?? .null
        let last = data.last?["id"] ?? .null
        return JSONValue.object(
            JSONObject([
                ("object", "list"), ("data", .array(data)), ("first_id", first), ("last_id", last), ("has_more", false),
            ])
        ).serialized()
    }
}
