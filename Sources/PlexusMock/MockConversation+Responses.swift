import PlexusCore

extension MockConversation {
    /// Responses: trailing `function_call_output` items; `input_image` parts (data URLs decoded, `file_id`s named);
    /// reasoning items with `encrypted_content` (all verified by the time the answer is written).
    static func responses(_ items: [JSONValue]) -> MockConversation {
        var c = MockConversation()
        c.toolResults = items.reversed().prefix { $0["type"]?.stringValue == "function_call_output" }.count
        for item in items {
            if MockResponses.kind(item) == "reasoning", item["encrypted_content"]?.stringValue != nil {
                c.signatures += 1
            }
            for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "input_image" {
                if let url = part["image_url"]?.stringValue {
                    c.images.append(image(dataURL: url))
                } else {
                    c.images.append(MockImage(mediaType: nil, url: part["file_id"]?.stringValue ?? ""))
                }
            }
        }
        return c
    }
}
