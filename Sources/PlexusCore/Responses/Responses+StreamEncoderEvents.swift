extension Responses.StreamEncoder {
    /// The id of the next output item.
    func nextID(_ prefix: String) -> String {
        Responses.itemID(prefix, responseID: id, index: output.count)
    }

    /// `output_item.added` (and, for a message, its `output_text` part).
    mutating func openItem(
        _ kind: Kind, block: Int, prefix: String, callID: String = "", name: String = ""
    ) {
        kinds[block] = kind
        let o = Open(
            block: block, kind: kind, outputIndex: output.count, id: nextID(prefix), callID: callID, name: name)
        let item: JSONValue =
            switch kind {
            case .message: Responses.messageItem(id: o.id, text: nil, status: "in_progress")
            case .reasoning: Responses.reasoningItem(id: o.id, text: "", encrypted: nil)
            case .call, .whole:
                Responses.functionCallItem(
                    id: o.id, IR.ToolCall(id: callID, name: name, arguments: ""), status: "in_progress")
            }
        emit("response.output_item.added", [("output_index", index(o)), ("item", item)])
        if kind == .message {
            emit(
                "response.content_part.added",
                itemMembers(o) + [("content_index", 0), ("part", Responses.outputText(""))])
        }
        open = o
    }

    mutating func summaryPartAdded(_ o: Open) {
        emit(
            "response.reasoning_summary_part.added",
            itemMembers(o) + [("summary_index", 0), ("part", ["type": "summary_text", "text": ""])])
    }

    /// The open item's closing events and `output_item.done` with the whole item.
    mutating func closeOpen() {
        guard let o = open else { return }
        open = nil
        switch o.kind {
        case .message:
            emit(
                "response.output_text.done",
                itemMembers(o) + [("content_index", 0), ("text", .string(o.text)), ("logprobs", [])])
            emit(
                "response.content_part.done",
                itemMembers(o) + [("content_index", 0), ("part", Responses.outputText(o.text))])
            finishItem(Responses.messageItem(id: o.id, text: o.text, status: "completed"))
        case .reasoning:
            if o.summaryOpen {
                let members = itemMembers(o) + [("summary_index", 0)]
                emit("response.reasoning_summary_text.done", members + [("text", .string(o.text))])
                emit(
                    "response.reasoning_summary_part.done",
                    members + [("part", ["type": "summary_text", "text": .string(o.text)])])
            }
            finishItem(Responses.reasoningItem(id: o.id, text: o.text, encrypted: o.encrypted))
        case .call, .whole:
            emit(
                "response.function_call_arguments.done",
                itemMembers(o) + [("name", .string(o.name)), ("arguments", .string(o.text))])
            let call = IR.ToolCall(id: o.callID, name: o.name, arguments: o.text)
            finishItem(Responses.functionCallItem(id: o.id, call, status: "completed"))
            if let s = o.lateSignature { wholeReasoning(s) }
        }
    }

    mutating func finishItem(_ item: JSONValue) {
        emit(
            "response.output_item.done", [("output_index", .number(Double(output.count))), ("item", item)])
        output.append(item)
    }

    /// An item written at once: `added` and `done` with the same item.
    mutating func whole(_ item: JSONValue) {
        emit(
            "response.output_item.added", [("output_index", .number(Double(output.count))), ("item", item)])
        finishItem(item)
    }

    /// A reasoning item that carries only a signature.
    mutating func wholeReasoning(_ s: IR.Signature) {
        let id = Responses.mintedItemID(s) ?? nextID("rs")
        whole(
            Responses.reasoningItem(id: id, text: "", encrypted: Responses.encryptedContent(s, itemID: id)))
    }

    /// The last event: the whole response, `completed`, `incomplete` or (after an error) `failed`.
    mutating func end(error: PlexusError?) {
        begin(id: "", created: nil)
        closeOpen()
        let reason = stop ?? (sawCall ? .toolUse : .endTurn)
        let status = error != nil ? "failed" : Responses.incompleteReason(reason) == nil ? "completed" : "incomplete"
        let outcome = Responses.Outcome(
            id: id, created: createdAt, model: model, status: status, output: output,
            usage: usage, stop: error == nil ? reason : nil, error: error)
        let response = Responses.responseObject(outcome, echo: echo)
        emit("response." + status, [("response", response)])
        finalResponse = response
        phase = .done
    }

    func index(_ o: Open) -> JSONValue { .number(Double(o.outputIndex)) }

    func itemMembers(_ o: Open) -> [(String, JSONValue)] {
        [("item_id", .string(o.id)), ("output_index", index(o))]
    }

    /// One event: `type` and `sequence_number` first, then `members`. It waits in `pending` until handed over.
    mutating func emit(_ type: String, _ members: [(String, JSONValue)]) {
        var o = JSONObject(reservingCapacity: members.count + 2)
        o["type"] = .string(type)
        o["sequence_number"] = .number(Double(sequence))
        for (k, v) in members { o[k] = v }
        pending.append(.event(type, .object(o)))
        sequence += 1
    }

    /// A delta event, written straight to bytes (the hot path) unless events wait before it: the item, the part
    /// index when it has one, the text.
    mutating func writeDelta(_ type: String, _ o: Open, part: (key: String, index: Int)?, delta: String) {
        guard !delta.isEmpty else { return }
        if pending.isEmpty {
            Self.deltaEvent(type, o, part: part, delta: delta, sequence: sequence, into: &ready)
        } else {
            var bytes: [UInt8] = []
            Self.deltaEvent(type, o, part: part, delta: delta, sequence: sequence, into: &bytes)
            pending.append(.bytes(bytes))
        }
        sequence += 1
    }

    static func deltaEvent(
        _ type: String, _ o: Open, part: (key: String, index: Int)?, delta: String, sequence: Int,
        into out: inout [UInt8]
    ) {
        SSEWriter.appendJSON(event: type, into: &out) { json in
            json.append(contentsOf: #"{"type":""#.utf8)
            json.append(contentsOf: type.utf8)
            json.append(contentsOf: #"","sequence_number":"#.utf8)
            JSONWriter.writeInteger(Int64(sequence), into: &json)
            json.append(contentsOf: #","item_id":"#.utf8)
            JSONWriter.writeString(o.id, into: &json)
            json.append(contentsOf: #","output_index":"#.utf8)
            JSONWriter.writeInteger(Int64(o.outputIndex), into: &json)
            if let part {
                json.append(contentsOf: #",""#.utf8)
                json.append(contentsOf: part.key.utf8)
                json.append(contentsOf: #"":"#.utf8)
                JSONWriter.writeInteger(Int64(part.index), into: &json)
            }
            json.append(contentsOf: #","delta":"#.utf8)
            JSONWriter.writeString(delta, into: &json)
            if part?.key == "content_index" { json.append(contentsOf: #","logprobs":[]"#.utf8) }
            json.append(UInt8(ascii: "}"))
        }
    }
}
