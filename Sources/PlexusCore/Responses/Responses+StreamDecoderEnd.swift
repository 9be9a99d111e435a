extension Responses.StreamDecoder {
    /// `output_item.done`: what no delta streamed, the reasoning item's identity, then the block's end.
    mutating func done(_ e: JSONValue, into out: inout [IR.StreamEvent]) {
        guard let item = e["item"] else { return }
        let k = index(e)
        guard !whole.contains(k) else { return }
        switch item["type"]?.stringValue {
        case "message"?:
            let i = self.item(e, .text, into: &out)
            var reader = Responses.OutputReader(responseID: responseID)
            reader.message(item)
            sawRefusal = sawRefusal || reader.sawRefusal
            if items[i]?.streamed == false {
                for case .text(let t) in reader.parts {
                    out.append(.delta(index: items[i]!.block, delta: .text(t.text)))
                }
            }
            close(i, into: &out)
        case "reasoning"?:
            reasoningDone(e, item, into: &out)
        case "function_call"?:
            let i = self.item(e, .call, into: &out)
            arguments(e, onlyIfNotStreamed: item["arguments"]?.stringValue, into: &out)
            close(i, into: &out)
        default:
            guard items[k] == nil else { return }
            single(.opaque(IR.Opaque(origin: .responses, value: item)), at: k, into: &out)
        }
    }

    /// The summary if none streamed, then the id and the final `encrypted_content` (the `added` event's may be
    /// incomplete) as one signature; tagged redacted thinking (a gateway upstream) becomes its own block.
    mutating func reasoningDone(_ e: JSONValue, _ item: JSONValue, into out: inout [IR.StreamEvent]) {
        let i = self.item(e, .thinking, into: &out)
        guard let block = items[i]?.block else { return }
        if items[i]?.streamed == false {
            let text = Responses.reasoningText(item)
            if !text.isEmpty { out.append(.delta(index: block, delta: .thinking(text))) }
        }
        switch Responses.reasoningContent(
            id: item["id"]?.stringValue, encrypted: item["encrypted_content"]?.stringValue)
        {
        case .signature(let s)?:
            out.append(.delta(index: block, delta: .signature(s)))
            close(i, into: &out)
        case .redacted(let r)?:
            close(i, into: &out)
            single(.redactedThinking(r), at: i, into: &out)
        case nil:
            close(i, into: &out)
        }
    }

    mutating func close(_ k: Int, into out: inout [IR.StreamEvent]) {
        guard let it = items.removeValue(forKey: k) else { return }
        out.append(.blockStop(index: it.block))
    }

    mutating func closeAll(into out: inout [IR.StreamEvent]) {
        for k in items.keys.sorted() { close(k, into: &out) }
    }

    /// `response.completed` / `response.incomplete`: open items end, then usage and the stop reason. A stream
    /// that sent no item events at all (some compatible servers) gets its output from the final response.
    mutating func end(_ response: JSONValue?, status: String, into out: inout [IR.StreamEvent]) {
        start(response, into: &out)
        closeAll(into: &out)
        if !sawItem, let output = response?["output"]?.arrayValue, !output.isEmpty { replay(output, into: &out) }
        if let u = Responses.usage(response?["usage"]) { out.append(.usage(u)) }
        let stop = Responses.stopReason(
            status: response?["status"]?.stringValue ?? status,
            incompleteReason: response?["incomplete_details"]?["reason"]?.stringValue,
            sawCall: sawCall, sawRefusal: sawRefusal)
        if let stop { out.append(.stop(stop, stopSequence: nil)) }
    }

    mutating func replay(_ output: [JSONValue], into out: inout [IR.StreamEvent]) {
        var reader = Responses.OutputReader(responseID: responseID)
        reader.read(output)
        sawCall = sawCall || reader.sawCall
        sawRefusal = sawRefusal || reader.sawRefusal
        for part in reader.parts {
            let i = nextIndex
            nextIndex += 1
            switch part {
            case .text(let t): out += [.blockStart(index: i, kind: .text), .delta(index: i, delta: .text(t.text))]
            case .thinking(let t):
                out.append(.blockStart(index: i, kind: .thinking))
                if !t.text.isEmpty { out.append(.delta(index: i, delta: .thinking(t.text))) }
                if let s = t.signature { out.append(.delta(index: i, delta: .signature(s))) }
            case .redactedThinking(let r): out.append(.blockStart(index: i, kind: .redactedThinking(r)))
            case .toolCall(let c):
                out.append(.blockStart(index: i, kind: .toolCall(id: c.id, name: c.name, signature: nil)))
                out.append(.delta(index: i, delta: .arguments(c.arguments)))
            case .opaque(let o): out.append(.blockStart(index: i, kind: .opaque(o)))
            case .image, .document, .file, .toolResult: break  // never read from output items
            }
            out.append(.blockStop(index: i))
        }
    }

    /// `response.failed`: usage so far, then the response's error.
    mutating func failed(_ response: JSONValue?, into out: inout [IR.StreamEvent]) {
        start(response, into: &out)
        closeAll(into: &out)
        if let u = Responses.usage(response?["usage"]) { out.append(.usage(u)) }
        let err = response?["error"] ?? .null
        let json: JSONValue = err == .null ? ["error": ["message": "The upstream response failed."]] : ["error": err]
        out.append(.error(ErrorCodec.decode(status: 200, json: json)))
    }

    /// An `error` event: `{type: error, code, message, param}` as the API documents it, or with the members in a
    /// nested `error` object as some servers send it.
    static func streamError(_ e: JSONValue) -> PlexusError {
        let err = e["error"].flatMap { $0.objectValue == nil ? nil : $0 } ?? e
        var o = JSONObject()
        o["message"] = err["message"] ?? "The upstream stream reported an error."
        let type = err["type"]?.stringValue.flatMap { $0 == "error" ? nil : $0 } ?? err["code"]?.stringValue
        o.set("type", type)
        o.set("code", err["code"])
        o.set("param", err["param"])
        return ErrorCodec.decode(status: 200, json: ["error": .object(o)])
    }
}
