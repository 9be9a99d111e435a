import PlexusCore

extension MockResponses {
    /// An answer the Responses route refuses with, in OpenAI's error shape (with its `code`, which `PlexusError` lacks).
    struct Refusal: Sendable, Equatable {
        var status: Int
        var message: String
        var param: String?
        var code: String?

        var json: JSONValue {
            [
                "error": [
                    "message": .string(message), "type": "invalid_request_error",
                    "param": param.map { .string($0) } ?? .null, "code": code.map { .string($0) } ?? .null,
                ]
            ]
        }
    }

    /// What OpenAI refuses in a well-formed request, checked in this order: continuations of state the mock never
    /// stored, reasoning items (encrypted content minted here, each followed by the item it preceded), then
    /// function calls and outputs that do not pair up. The first problem is the answer.
    static func validate(_ body: JSONValue, signer: MockSigner) -> Refusal? {
        if let id = body["previous_response_id"]?.stringValue {
            return Refusal(
                status: 400, message: "Previous response with id '\(id)' not found.",
                param: "previous_response_id", code: "previous_response_not_found")
        }
        if let conversation = body["conversation"], !conversation.isNull {
            let id = conversation.stringValue ?? conversation["id"]?.stringValue ?? ""
            return Refusal(
                status: 404, message: "Conversation with id '\(id)' not found.", param: "conversation", code: nil)
        }
        let items: [JSONValue] =
            switch body["input"] {
            case .array(let a)?: a
            default: []
            }
        let stored = body["store"]?.boolValue ?? true
        for (i, item) in items.enumerated() {
            switch kind(item) {
            case "item_reference":
                return notFound(item["id"]?.stringValue ?? "", stored: stored)
            case "reasoning":
                if let refusal = checkReasoning(items, at: i, signer: signer, stored: stored) { return refusal }
            default:
                continue
            }
        }
        return checkPairs(items)
    }

    /// An item's type; a bare `{role, content}` is a message.
    static func kind(_ item: JSONValue) -> String {
        item["type"]?.stringValue ?? (item["role"] != nil ? "message" : "")
    }

    /// OpenAI looks an id it is asked to continue up in its store; the mock has none.
    private static func notFound(_ id: String, stored: Bool) -> Refusal {
        let suffix =
            stored
            ? ""
            : " Items are not persisted when `store` is set to false. Try again with `store` set to "
                + "true, or remove this item from your input."
        return Refusal(status: 404, message: "Item with id '\(id)' not found." + suffix, param: "input", code: nil)
    }

    private static func checkReasoning(_ items: [JSONValue], at i: Int, signer: MockSigner, stored: Bool) -> Refusal? {
        let item = items[i]
        let id = item["id"]?.stringValue
        if let content = item["encrypted_content"]?.stringValue {
            if verifyEncrypted(content, signer: signer) != .valid {
                return Refusal(
                    status: 400,
                    message: "The encrypted content \(excerpt(content)) could not be verified. "
                        + "Reason: Encrypted content could not be decrypted or parsed.",
                    param: nil, code: "invalid_encrypted_content")
            }
        } else if let id {
            // Without its encrypted content a reasoning item is a reference to a stored one.
            return notFound(id, stored: stored)
        }
        guard followedProperly(items, at: i) else {
            let name = id.map { "Item '\($0)'" } ?? "Item 'input[\(i)]'"
            return Refusal(
                status: 400, message: "\(name) of type 'reasoning' was provided without its required following item.",
                param: "input", code: nil)
        }
        return nil
    }

    /// A reasoning item precedes what the model did next: a call, more reasoning, or its message. A reasoning item
    /// that names its id must be followed by an item that names its own (a call names itself by `call_id`), as
    /// OpenAI pairs them; a bare `{role: assistant, content}` after it is the capture's 400.
    private static func followedProperly(_ items: [JSONValue], at i: Int) -> Bool {
        guard i + 1 < items.count else { return false }
        let next = items[i + 1]
        let type = kind(next)
        if type == "reasoning" || type.hasSuffix("_call") { return true }
        guard type == "message", next["role"]?.stringValue == "assistant" else { return false }
        return items[i]["id"]?.stringValue == nil || next["id"]?.stringValue != nil
    }

    /// Every `function_call_output` answers an earlier `function_call`, and every call is answered.
    private static func checkPairs(_ items: [JSONValue]) -> Refusal? {
        var calls: [String] = []
        var answered: Set<String> = []
        for item in items {
            guard let callID = item["call_id"]?.stringValue else { continue }
            switch kind(item) {
            case "function_call":
                calls.append(callID)
            case "function_call_output":
                guard calls.contains(callID) else {
                    return Refusal(
                        status: 400, message: "No tool call found for function call output with call_id \(callID).",
                        param: "input", code: nil)
                }
                answered.insert(callID)
            default:
                continue
            }
        }
        if let open = calls.first(where: { !answered.contains($0) }) {
            return Refusal(
                status: 400, message: "No tool output found for function call \(open).", param: "input", code: nil)
        }
        return nil
    }

    /// `gAAA...5Q==`: how OpenAI names encrypted content in an error.
    static func excerpt(_ content: String) -> String {
        content.count <= 12 ? content : String(content.prefix(4)) + "..." + String(content.suffix(4))
    }
}
