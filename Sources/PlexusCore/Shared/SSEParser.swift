/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental SSE parser: feed it bytes split anywhere, get whole events back.
///
/// Follows the WHATWG event-stream rules: LF, CRLF or CR line ends, multi-line `data:`, comments,
/// and an event with no trailing blank line is delivered by `finish()`.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var id: String?
    private var sawField = false

    public init() {}

    /// Consumes bytes and returns every event completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var out: [SSEEvent] = []
        for b in bytes {
            if b == 0x0A {
                if lastWasCR { lastWasCR = false; continue }
                endLine(into: &out)
            } else if b == 0x0D {
                lastWasCR = true
                endLine(into: &out)
            } else {
                lastWasCR = false
                line.append(b)
            }
        }
        return out
    }

    /// Flushes a final event that had no blank line after it.
    public mutating func finish() -> [SSEEvent] {
        var out: [SSEEvent] = []
        if !line.isEmpty { endLine(into: &out) }
        dispatch(into: &out)
        return out
    }

    private mutating func endLine(into out: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { dispatch(into: &out); return }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.count
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let value = line[valueStart...]
        sawField = true
        switch String(decoding: line[..<nameEnd], as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event": event = String(decoding: value, as: UTF8.self)
        case "id": id = String(decoding: value, as: UTF8.self)
        default: break
        }
    }

    private mutating func dispatch(into out: inout [SSEEvent]) {
        defer {
            event = nil
            data.removeAll(keepingCapacity: true)
            hasData = false
            sawField = false
        }
        guard sawField, hasData || event != nil else { return }
        out.append(SSEEvent(event: event, data: String(decoding: data, as: UTF8.self), id: id))
    }
}

extension SSEEvent {
    /// The event as wire bytes: `event:` line if named, one `data:` line per data line, blank line.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        SSEWriter.append(event: event, data: data, into: &out)
        return out
    }
}

/// Writes SSE frames.
public enum SSEWriter {
    public static func bytes(event: String?, data: String) -> [UInt8] {
        var out: [UInt8] = []
        append(event: event, data: data, into: &out)
        return out
    }

    public static func append(event: String?, data: String, into out: inout [UInt8]) {
        if let event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: event.utf8)
            out.append(0x0A)
        }
        for part in data.split(separator: "\n", omittingEmptySubsequences: false) {
            out.append(contentsOf: "data: ".utf8)
            out.append(contentsOf: part.utf8)
            out.append(0x0A)
        }
        out.append(0x0A)
    }

    /// `data: JSON\n\n` with an optional event name, for an already-serialised JSON payload.
    public static func append(event: String?, json: [UInt8], into out: inout [UInt8]) {
        if let event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: event.utf8)
            out.append(0x0A)
        }
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: json)
        out.append(contentsOf: [0x0A, 0x0A])
    }
}
