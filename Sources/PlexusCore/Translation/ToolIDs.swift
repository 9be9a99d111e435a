/// Tool call id rewriting and generation, deterministic so calls and results always agree.
public enum ToolIDs {
    /// Anthropic accepts `[a-zA-Z0-9_-]` only; other characters become `_` plus a hash of the original.
    public static func anthropicSafe(_ id: String) -> String {
        if !id.isEmpty, id.utf8.allSatisfy(isSafe) { return id }
        let cleaned = String(decoding: id.utf8.map { isSafe($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        return (cleaned.isEmpty ? "toolu" : cleaned) + "_" + hashHex(id)
    }

    /// OpenAI caps tool call ids at 40 characters; longer ones are shortened with a hash. Cut by UTF-8 bytes, so
    /// that the result is within the cap whatever the id holds and passes unchanged the next time.
    public static func openAISafe(_ id: String) -> String {
        guard id.utf8.count > 40 else { return id }
        var kept = Substring(id)
        while kept.utf8.count > 31 { kept.removeLast() }
        return kept + "_" + hashHex(id)
    }

    /// An id for a call the provider left unnamed (Gemini): unique per response and position.
    public static func generated(responseID: String, index: Int) -> String {
        let base =
            responseID.isEmpty
            ? "plexus" : String(decoding: responseID.utf8.map { isSafe($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        return "call_\(base)_\(index)"
    }

    static func isSafe(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
    }

    /// 32-bit FNV-1a as 8 hex digits.
    static func hashHex(_ s: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
