extension Responses {
    /// Reads output items (a response's `output`) into IR parts.
    struct OutputReader {
        /// For call ids an upstream left out.
        let responseID: String
        var parts: [IR.Part] = []
        var sawCall = false
        var sawRefusal = false

        init(responseID: String) {
            self.responseID = responseID
        }

        mutating func read(_ items: [JSONValue]) {
            for item in items { read(item) }
        }

        mutating func read(_ item: JSONValue) {
            switch item["type"]?.stringValue {
            case "message"?:
                message(item)
            case "reasoning"?:
                if let part = reasoningPart(item) { parts.append(part) }
            case "function_call"?:
                sawCall = true
                let args = item["arguments"]
                let id =
                    item["call_id"]?.stringValue ?? item["id"]?.stringValue
                    ?? ToolIDs.generated(responseID: responseID, index: parts.count)
                parts.append(
                    .toolCall(
                        IR.ToolCall(
                            id: id, name: item["name"]?.stringValue ?? "",
                            arguments: args?.stringValue ?? args.map { $0.jsonString } ?? "{}",
                            itemID: item["id"]?.stringValue)))
            default:
                parts.append(.opaque(IR.Opaque(origin: .responses, value: item)))
            }
        }

        /// `output_text` and `refusal` parts as text of the message's item.
        mutating func message(_ item: JSONValue) {
            let id = item["id"]?.stringValue
            for c in item["content"]?.arrayValue ?? [] {
                let isRefusal = c["type"]?.stringValue == "refusal"
                sawRefusal = sawRefusal || isRefusal
                guard let text = (isRefusal ? c["refusal"] : c["text"])?.stringValue, !text.isEmpty else { continue }
                parts.append(.text(IR.Text(text, itemID: id)))
            }
        }
    }

    /// Writes IR parts as output items, with ids: an item's own where the IR kept it, else one derived from the
    /// response id and the item's position. A signature on a tool call (Gemini's) rides in a reasoning item just
    /// before the call, which is where Gemini's decoder puts a signature that precedes a part.
    struct OutputWriter {
        let responseID: String
        var items: [JSONValue] = []
        var pendingTexts: [IR.Text] = []

        init(responseID: String) {
            self.responseID = responseID
        }

        func nextID(_ prefix: String) -> String {
            Responses.itemID(prefix, responseID: responseID, index: items.count)
        }

        mutating func write(_ parts: [IR.Part]) -> [JSONValue] {
            for p in parts { write(p) }
            flushText()
            return items
        }

        mutating func write(_ p: IR.Part) {
            if case .text(let t) = p {
                if let last = pendingTexts.last, last.itemID != t.itemID { flushText() }
                if !t.text.isEmpty { pendingTexts.append(t) }
                return
            }
            flushText()
            switch p {
            case .thinking(let t): reasoning(t.text, t.signature)
            case .redactedThinking(let r):
                items.append(reasoningItem(id: nextID("rs"), text: "", encrypted: redactedContent(r)))
            case .toolCall(let c):
                if let s = c.signature { reasoning("", s) }
                items.append(functionCallItem(id: c.itemID ?? nextID("fc"), c, status: "completed"))
            case .opaque(let o) where o.origin == .responses: items.append(o.value)
            case .text, .image, .document, .file, .toolResult, .opaque: break  // no Responses output form
            }
        }

        mutating func reasoning(_ text: String, _ signature: IR.Signature?) {
            let id = mintedItemID(signature) ?? nextID("rs")
            items.append(
                reasoningItem(id: id, text: text, encrypted: signature.flatMap { encryptedContent($0, itemID: id) }))
        }

        mutating func flushText() {
            guard !pendingTexts.isEmpty else { return }
            items.append(
                messageItem(
                    id: pendingTexts[0].itemID ?? nextID("msg"), text: pendingTexts.map(\.text).joined(),
                    status: "completed"))
            pendingTexts = []
        }
    }

    /// A `message` item with one `output_text` part.
    static func messageItem(id: String, text: String?, status: String) -> JSONValue {
        let content: JSONValue = text.map { [outputText($0)] } ?? []
        return [
            "id": .string(id), "type": "message", "status": .string(status), "content": content, "role": "assistant",
        ]
    }

    static func outputText(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    /// A `function_call` item; its `arguments` are JSON text.
    static func functionCallItem(id: String, _ c: IR.ToolCall, status: String) -> JSONValue {
        [
            "id": .string(id), "type": "function_call", "status": .string(status), "arguments": .string(c.arguments),
            "call_id": .string(c.id), "name": .string(c.name),
        ]
    }
}
