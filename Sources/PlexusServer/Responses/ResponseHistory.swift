import PlexusCore

/// `previous_response_id` continued by the gateway itself: the stored turn's input and output items, then this
/// request's input, so the request reaching any target (or any `responses` upstream) stands alone.
enum ResponseHistory {
    /// The input of a Responses body as a list of items (a plain string is one user message).
    static func items(of input: JSONValue?) -> [JSONValue] {
        switch input {
        case .string(let text)?: [["type": "message", "role": "user", "content": .string(text)]]
        case .array(let items)?: items
        default: []
        }
    }

    /// The body with `previous_response_id` removed and `input` preceded by the earlier turn's items. The
    /// earlier turn's `instructions` are not carried over, as OpenAI does not carry them either.
    static func expand(_ body: JSONObject, previousInput: [JSONValue], previousOutput: [JSONValue]) -> JSONObject {
        var body = body
        let history = previousInput + previousOutput
        body["input"] = .array(history + items(of: body["input"]))
        body["previous_response_id"] = nil
        return body
    }

}
