extension Responses.RequestEncoder {
    /// User-side content parts: `input_text`, `input_image`, `input_file`.
    static func contentParts(_ parts: [IR.Part], param: String) throws(PlexusError) -> [JSONValue] {
        var out: [JSONValue] = []
        for (j, p) in parts.enumerated() { out.append(try contentPart(p, param: "\(param)[\(j)]")) }
        return out
    }

    static func contentPart(_ p: IR.Part, param: String) throws(PlexusError) -> JSONValue {
        switch p {
        case .text(let t):
            return ["type": "input_text", "text": .string(t.text)]
        case .image(let m):
            // `detail` is required by the API's schema; "auto" is its default.
            return [
                "type": "input_image", "image_url": .string(OpenAI.RequestEncoder.urlString(m.source)),
                "detail": .string(m.detail ?? "auto"),
            ]
        case .document(let m):
            if case .base64("text/plain", let data) = m.source, let text = Base64.decodeText(data) {
                return ["type": "input_text", "text": .string(text)]
            }
            return file(m)
        case .file(let m):
            let type = m.mediaType ?? ""
            guard !type.hasPrefix("audio/") && !type.hasPrefix("video/") else {
                throw PlexusError.unsupported(param, target: .responses, detail: "media type \(type)")
            }
            return file(m)
        case .opaque(let o) where o.origin == .responses:
            return o.value
        case .thinking, .redactedThinking, .toolCall, .toolResult, .opaque:
            throw PlexusError.unsupported(param, target: .responses, detail: "this kind of content in a user turn")
        }
    }

    /// `input_file` with inline data (a data URL) or a URL.
    static func file(_ m: IR.Media) -> JSONValue {
        var o = JSONObject.make(["type": "input_file"])
        switch m.source {
        case .base64(let type, let data):
            o["filename"] = .string(m.title ?? defaultFilename(type))
            o["file_data"] = .string(MediaHelpers.dataURL(mediaType: type, data: MediaHelpers.standardBase64(data)))
        case .url(let url, _):
            o.set("filename", m.title)
            o["file_url"] = .string(url)
        }
        return .object(o)
    }

    static func defaultFilename(_ mediaType: String) -> String {
        mediaType == "application/pdf" ? "document.pdf" : "file"
    }
}
