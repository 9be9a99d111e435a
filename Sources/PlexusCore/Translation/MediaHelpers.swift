/// Data URLs, base64 spelling and media type guesses.
enum MediaHelpers {
    /// Splits `data:<type>;base64,<data>`; nil when `url` is not a base64 data URL.
    static func parseDataURL(_ url: String) -> (mediaType: String, data: String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mediaType = String(header.dropLast(7))
        return (mediaType.isEmpty ? "application/octet-stream" : mediaType, String(url[url.index(after: comma)...]))
    }

    static func dataURL(mediaType: String, data: String) -> String {
        "data:\(mediaType);base64,\(data)"
    }

    /// Converts URL-safe base64 (as Google's SDK sends) to the standard alphabet other providers require.
    static func standardBase64(_ data: String) -> String {
        guard data.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else { return data }
        let mapped = data.utf8.map { c -> UInt8 in
            switch c {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: c
            }
        }
        return String(decoding: mapped, as: UTF8.self)
    }

    private static let extensionTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "heic": "image/heic", "heif": "image/heif", "pdf": "application/pdf", "mp4": "video/mp4",
        "mpeg": "video/mpeg", "mov": "video/mov", "webm": "video/webm", "mp3": "audio/mp3", "wav": "audio/wav",
        "ogg": "audio/ogg", "flac": "audio/flac", "txt": "text/plain",
    ]

    /// The media type implied by a URL's path extension, if known.
    static func guessMediaType(url: String) -> String? {
        var path = Substring(url)
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<q] }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return extensionTypes[path[path.index(after: dot)...].lowercased()]
    }

    /// Which IR part a media type belongs in.
    static func part(for media: IR.Media) -> IR.Part {
        let type = media.mediaType ?? ""
        if type.hasPrefix("image/") { return .image(media) }
        if type == "application/pdf" || type.hasPrefix("text/") { return .document(media) }
        return .file(media)
    }
}

/// Tool arguments: JSON text in OpenAI, objects in Anthropic and Gemini.
enum ToolArguments {
    static let wrapperKey = "_raw_arguments"

    /// Arguments as an object; invalid or non-object JSON is wrapped rather than thrown.
    static func object(from text: String) -> JSONValue {
        let trimmed = text.utf8.contains(where: { $0 > 0x20 }) ? text : ""
        if trimmed.isEmpty { return .object(JSONObject()) }
        if let v = JSONInput.lenient(text), case .object = v { return v }
        return .object(JSONObject([(wrapperKey, .string(text))]))
    }

    /// Arguments as JSON text, unwrapping what `object(from:)` wrapped.
    static func text(from value: JSONValue?) -> String {
        guard let value else { return "{}" }
        if case .object(let o) = value, o.count == 1, let raw = o[wrapperKey]?.stringValue { return raw }
        return value.jsonString
    }
}
