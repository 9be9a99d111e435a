/// A Responses answer read member by member for the passthrough summary, as `Translator+SummaryScan` reads Chat and
/// Messages answers: the status, the usage, and whether the output holds a call or a refusal.
extension Translator {
    /// What `Responses.ResponseDecoder` reads of a response object; nil for an error or a failed response (decode).
    static func scanResponsesSummary(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> ResponseSummary? {
        var p = JSONByteParser(bytes: bytes, maxDepth: 64)
        p.skipWhitespace()
        guard p.lead == UInt8(ascii: "{") else { return nil }
        var isError = false
        var status: String?
        var reason: String?
        var usage: IR.Usage?
        var output = ResponsesOutputScan()
        try p.walkObject { p, key throws(JSONParseError) in
            if key.spells("error") {
                isError = p.lead == UInt8(ascii: "{")
                try p.skipValue()
            } else if key.spells("status") {
                status = try p.stringOrSkip()
            } else if key.spells("incomplete_details") {
                reason = try p.nestedString("reason")
            } else if key.spells("usage") {
                if p.lead == UInt8(ascii: "{") {
                    usage = Responses.usage(try p.parseValue())
                } else {
                    usage = nil
                    try p.skipValue()
                }
            } else if key.spells("output") {
                output = ResponsesOutputScan()
                if p.lead == UInt8(ascii: "[") { try output.scan(&p) } else { try p.skipValue() }
            } else {
                try p.skipValue()
            }
        }
        try p.finishDocument()
        if isError || status == "failed" { return nil }
        let stop = Responses.stopReason(
            status: status, incompleteReason: reason, sawCall: output.sawCall,
            sawRefusal: output.sawRefusal)
        return ResponseSummary(usage: usage, stopReason: stop)
    }

    /// Whether output items hold a `function_call`, or a `refusal` part in a `message`.
    private struct ResponsesOutputScan {
        var sawCall = false
        var sawRefusal = false

        mutating func scan(_ p: inout JSONByteParser) throws(JSONParseError) {
            try p.walkArray { p, _ throws(JSONParseError) in
                guard p.lead == UInt8(ascii: "{") else {
                    try p.skipValue()
                    return
                }
                var type: String?
                var refusal = false
                try p.walkObject { p, key throws(JSONParseError) in
                    if key.spells("type") {
                        type = try p.stringOrSkip()
                    } else if key.spells("content"), p.lead == UInt8(ascii: "[") {
                        refusal = try Self.hasRefusal(&p)
                    } else {
                        try p.skipValue()
                    }
                }
                if type == "function_call" { sawCall = true }
                if type == "message" && refusal { sawRefusal = true }
            }
        }

        static func hasRefusal(_ p: inout JSONByteParser) throws(JSONParseError) -> Bool {
            var found = false
            try p.walkArray { p, _ throws(JSONParseError) in
                guard p.lead == UInt8(ascii: "{") else {
                    try p.skipValue()
                    return
                }
                try p.walkObject { p, key throws(JSONParseError) in
                    if key.spells("type") {
                        if try p.stringOrSkip() == "refusal" { found = true }
                    } else {
                        try p.skipValue()
                    }
                }
            }
            return found
        }
    }
}

extension JSONByteParser {
    /// The `name` member of the object at `i` when it is a string (nil otherwise); moves past the value.
    mutating func nestedString(_ name: StaticString) throws(JSONParseError) -> String? {
        guard lead == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var found: String?
        try walkObject { p, key throws(JSONParseError) in
            if key.spells(name) { found = try p.stringOrSkip() } else { try p.skipValue() }
        }
        return found
    }
}
