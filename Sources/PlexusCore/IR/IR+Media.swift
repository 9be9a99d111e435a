extension IR.Request {
    /// Every media URL in the conversation, for a server that fetches and inlines them (`images.fetch_urls`).
    public var mediaURLs: [String] {
        var urls: [String] = []
        func visit(_ parts: [IR.Part]) {
            for p in parts {
                switch p {
                case .image(let m), .document(let m), .file(let m):
                    if case .url(let url, _) = m.source { urls.append(url) }
                case .toolResult(let r):
                    visit(r.content)
                case .text, .thinking, .redactedThinking, .toolCall, .opaque:
                    break
                }
            }
        }
        visit(system)
        for m in messages { visit(m.parts) }
        return urls
    }

    /// Replaces every occurrence of a media URL with fetched bytes (or another source).
    public mutating func replaceMediaURL(_ url: String, with source: IR.MediaSource) {
        func replace(_ parts: [IR.Part]) -> [IR.Part] {
            parts.map { p in
                switch p {
                case .image(var m), .document(var m), .file(var m):
                    guard case .url(url, _) = m.source else { return p }
                    m.source = source
                    return MediaHelpers.part(for: m)
                case .toolResult(var r):
                    r.content = replace(r.content)
                    return .toolResult(r)
                case .text, .thinking, .redactedThinking, .toolCall, .opaque:
                    return p
                }
            }
        }
        system = replace(system)
        for i in messages.indices { messages[i].parts = replace(messages[i].parts) }
    }
}
