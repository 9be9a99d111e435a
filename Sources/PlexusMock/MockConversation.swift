import PlexusCore

/// What the conversation sent to the mock carries that its answer reacts to, read from any protocol.
///
/// A last turn of tool results is answered with text (a model continuing a tool loop), and every inline
/// image is named in the reply, so an end-to-end test can prove what reached the upstream.
struct MockConversation: Sendable, Equatable {
    /// Tool results in the last turn (0 when the last turn is not a tool-result turn).
    var toolResults = 0
    /// The images of the conversation, in order.
    var images: [MockImage] = []
    /// Signatures in the history (Anthropic thinking / redacted blocks, Gemini `thoughtSignature`); by the time
    /// the answer is written they have all been verified, so the answer can say how many arrived intact.
    var signatures = 0
    /// Gemini skip values (`skip_thought_signature_validator`) standing in for a signature.
    var skippedSignatures = 0

    /// The sentence that opens the answer, as words; empty when there is nothing to acknowledge.
    var preambleWords: [String] {
        var words: [String] = []
        if toolResults > 0 {
            words += ["Received", String(toolResults), "tool", toolResults == 1 ? "result." : "results."]
        }
        if signatures > 0 { words += ["Verified", String(signatures), signatures == 1 ? "signature." : "signatures."] }
        if skippedSignatures > 0 {
            words += ["Skipped", String(skippedSignatures), skippedSignatures == 1 ? "signature." : "signatures."]
        }
        for (k, image) in images.enumerated() {
            words += ["Image", String(k + 1)] + image.descriptionWords
        }
        return words
    }
}

/// One image the request carried: inline bytes (described by type, size and CRC-32) or a URL.
struct MockImage: Sendable, Equatable {
    var mediaType: String
    /// Decoded byte count (nil for a URL or undecodable data).
    var byteCount: Int?
    var crc32: UInt32?
    var url: String?

    /// Inline data given as base64 (standard or URL-safe, as protobuf JSON accepts).
    init(mediaType: String, base64: String) {
        self.mediaType = mediaType
        if let bytes = MockBase64.decodeLenient(base64) {
            byteCount = bytes.count
            crc32 = MockCRC32.checksum(bytes)
        }
    }

    init(mediaType: String?, url: String) {
        self.mediaType = mediaType ?? "unknown"
        self.url = url
    }

    /// `image/png 68 bytes crc32 0a1b2c3d.` (or `url …` / `undecodable data.`).
    var descriptionWords: [String] {
        if let url { return [mediaType, "url", url + "."] }
        guard let byteCount, let crc32 else { return [mediaType, "undecodable", "data."] }
        let hex = String(crc32, radix: 16)
        return [
            mediaType, String(byteCount), "bytes", "crc32", String(repeating: "0", count: 8 - hex.count) + hex + ".",
        ]
    }
}

extension MockConversation {
    /// OpenAI: trailing `tool` messages; `image_url` parts (data URLs are decoded).
    static func openAI(_ messages: [JSONValue]) -> MockConversation {
        var c = MockConversation()
        c.toolResults = messages.reversed().prefix { $0["role"]?.stringValue == "tool" }.count
        for m in messages {
            for part in m["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "image_url" {
                let url = part["image_url"]?.stringValue ?? part["image_url"]?["url"]?.stringValue ?? ""
                c.images.append(image(dataURL: url))
            }
        }
        return c
    }

    /// Anthropic: `tool_result` blocks of a last user turn; signed blocks; `image` blocks (base64 or url sources).
    static func anthropic(_ messages: [JSONValue]) -> MockConversation {
        var c = MockConversation()
        if let last = messages.last, last["role"]?.stringValue == "user" {
            c.toolResults =
                (last["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "tool_result" }.count
        }
        for block in messages.flatMap({ $0["content"]?.arrayValue ?? [] }) {
            switch block["type"]?.stringValue {
            case "thinking":
                if block["signature"]?.stringValue?.isEmpty == false { c.signatures += 1 }
            case "redacted_thinking":
                c.signatures += 1
            case "image":
                let source = block["source"]
                if let url = source?["url"]?.stringValue {
                    c.images.append(MockImage(mediaType: nil, url: url))
                } else {
                    c.images.append(
                        MockImage(
                            mediaType: source?["media_type"]?.stringValue ?? "unknown",
                            base64: source?["data"]?.stringValue ?? ""))
                }
            default:
                continue
            }
        }
        return c
    }

    /// Gemini: `functionResponse` parts of the last content; `inlineData` / `fileData` parts (either spelling).
    static func gemini(_ contents: [JSONValue]) -> MockConversation {
        var c = MockConversation()
        c.toolResults =
            (contents.last?["parts"]?.arrayValue ?? []).filter {
                MockGemini.field($0, "functionResponse", "function_response") != nil
            }.count
        for content in contents {
            for part in content["parts"]?.arrayValue ?? [] {
                if let signature = MockGemini.field(part, "thoughtSignature", "thought_signature")?.stringValue {
                    if MockGemini.skipSignatures.contains(signature) {
                        c.skippedSignatures += 1
                    } else {
                        c.signatures += 1
                    }
                }
                if let data = MockGemini.field(part, "inlineData", "inline_data") {
                    let type = MockGemini.field(data, "mimeType", "mime_type")?.stringValue ?? "unknown"
                    c.images.append(MockImage(mediaType: type, base64: data["data"]?.stringValue ?? ""))
                } else if let file = MockGemini.field(part, "fileData", "file_data") {
                    c.images.append(
                        MockImage(
                            mediaType: MockGemini.field(file, "mimeType", "mime_type")?.stringValue,
                            url: MockGemini.field(file, "fileUri", "file_uri")?.stringValue ?? ""))
                }
            }
        }
        return c
    }

    /// A `data:TYPE;base64,DATA` URL as inline bytes, anything else as a URL.
    static func image(dataURL url: String) -> MockImage {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ","),
            url[..<comma].hasSuffix(";base64")
        else { return MockImage(mediaType: nil, url: url) }
        let type = url.dropFirst(5).prefix { $0 != ";" && $0 != "," }
        return MockImage(mediaType: String(type), base64: String(url[url.index(after: comma)...]))
    }
}

/// CRC-32 (IEEE, as zlib's `crc32`), so a test in any language can check the bytes the mock saw.
enum MockCRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
