import Foundation
import PlexusCore
import PlexusStorage

/// One Responses request's state: its history expanded from `previous_response_id`, and whether and how its answer
/// is stored (TRANSLATION.md "State").
struct ResponsesTurn: Sendable {
    /// The id a translated answer gets; a passthrough answer keeps its upstream's (OpenAI's are unique too).
    var id: String
    /// False for `store: false`: nothing is kept and the id cannot be continued.
    var store: Bool
    /// Every input item of this turn, the earlier turns' included.
    var input: [JSONValue]
    var previousID: String?
    var conversationID: String?
    var keyName: String
    var model: String

    /// Reads the body, expands `previous_response_id` (a 404 when it is unknown or another key's), and returns the
    /// turn with the body to route. A body that is not a JSON object is left for `InboundRequest` to refuse.
    static func prepare(
        _ bytes: [UInt8], requestID: String, keyName: String, responses: StoredResponses
    ) async throws(PlexusError) -> (turn: ResponsesTurn?, body: [UInt8]) {
        guard case .object(var body)? = try? JSONValue(parsing: bytes) else { return (nil, bytes) }
        var turn = ResponsesTurn(
            id: "resp_" + requestID.dropFirst(4), store: body["store"]?.boolValue ?? true, input: [],
            keyName: keyName, model: body["model"]?.stringValue ?? "")
        var out = bytes
        if let previous = body["previous_response_id"], !previous.isNull {
            guard let id = previous.stringValue, !id.isEmpty else {
                throw PlexusError(
                    .invalidRequest, "'previous_response_id' must be a string", param: "previous_response_id")
            }
            let stored = try await responses.lookup(id, key: keyName)
            body = ResponseHistory.expand(
                body, previousInput: Self.items(stored.input), previousOutput: Self.items(stored.response, at: "output")
            )
            turn.previousID = id
            turn.conversationID = stored.conversationID
            out = JSONValue.object(body).serialized()
        }
        turn.input = ResponseHistory.items(of: body["input"])
        return (turn, out)
    }

    /// The row for this turn's answer (`response`: the Responses object the client received).
    func stored(_ response: JSONValue, requestID: String, at date: Date = Date()) -> StoredResponse? {
        guard let id = response["id"]?.stringValue, !id.isEmpty else { return nil }
        return StoredResponse(
            id: id, keyName: keyName, createdAt: date, model: model, previousResponseID: previousID,
            conversationID: conversationID, input: JSONValue.array(input).jsonString, response: response.jsonString,
            requestID: requestID)
    }

    /// The items stored as JSON text (an array, or an array member of an object).
    private static func items(_ text: String, at member: String? = nil) -> [JSONValue] {
        guard let json = try? JSONValue(parsing: Array(text.utf8)) else { return [] }
        return (member.map { json[$0] } ?? json)?.arrayValue ?? []
    }
}
