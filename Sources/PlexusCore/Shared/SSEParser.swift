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
///
/// What it holds is bounded whatever the stream sends: an event whose data, or a line, grows past
/// `maxEventBytes` (a line that never ends, data lines with no blank line after them) stops the parser
/// (`overflowed`), and it drops what it held and reads nothing more.
public struct SSEParser: Sendable {
    /// The default bound of one event: as large as a whole unary answer may be.
    public static let defaultMaxEventBytes = IR.maxAnswerBytes

    public let maxEventBytes: Int
    /// The stream sent an event or a line past `maxEventBytes`: the events before it were returned, nothing
    /// after it is read. The caller ends the stream.
    public private(set) var overflowed = false
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var id: String?
    private var sawField = false

    public init(maxEventBytes: Int = SSEParser.defaultMaxEventBytes) {
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes bytes and returns every event completed by them; check `overflowed` after it.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        guard !overflowed else { return [] }
        var out: [SSEEvent] = []
        // Whole lines are read straight from contiguous bytes (a ByteBuffer's view, an array); only a line split
        // across two feeds is copied aside. Byte-at-a-time generic iteration cost more than everything else here.
        let done: Void? = bytes.withContiguousStorageIfAvailable { feed(buffer: $0, into: &out) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { feed(buffer: $0, into: &out) }
        }
        // Data lines are checked once per feed: what one feed adds is bounded by the size of what was fed.
        if !overflowed, line.count + data.count > maxEventBytes { overflow() }
        return out
    }

    private mutating func overflow() {
        overflowed = true
        line = []
        data = []
        event = nil
        id = nil
        hasData = false
        sawField = false
    }

    /// Flushes a final event that had no blank line after it.
    public mutating func finish() -> [SSEEvent] {
        guard !overflowed else { return [] }
        var out: [SSEEvent] = []
        if !line.isEmpty { endPendingLine(into: &out) }
        dispatch(into: &out)
        return out
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, into out: inout [SSEEvent]) {
        let n = buffer.count
        guard n > 0 else { return }
        var i = 0
        if lastWasCR {
            lastWasCR = false
            if buffer[0] == 0x0A { i = 1 }
        }
        while i < n {
            var j = i
            while j < n, buffer[j] != 0x0A, buffer[j] != 0x0D { j += 1 }
            guard j < n else {
                // Checked before the copy: a line past the bound never grows the buffer that holds it.
                guard line.count + (n - i) + data.count <= maxEventBytes else { return overflow() }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<n]))
                return
            }
            if line.isEmpty {
                processLine(UnsafeBufferPointer(rebasing: buffer[i..<j]), into: &out)
            } else {
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j]))
                endPendingLine(into: &out)
            }
            if buffer[j] == 0x0D {
                if j + 1 < n {
                    if buffer[j + 1] == 0x0A { j += 1 }
                } else {
                    lastWasCR = true
                }
            }
            i = j + 1
        }
    }

    /// Ends the line collected across feeds.
    private mutating func endPendingLine(into out: inout [SSEEvent]) {
        var pending: [UInt8] = []
        swap(&pending, &line)  // moved out, not copied: `processLine` mutates self
        pending.withUnsafeBufferPointer { processLine($0, into: &out) }
        pending.removeAll(keepingCapacity: true)
        line = pending
    }

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, into out: inout [SSEEvent]) {
        if line.isEmpty {
            dispatch(into: &out)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.count
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let name = UnsafeBufferPointer(rebasing: line[..<nameEnd])
        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
        sawField = true
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if name.elementsEqual("event".utf8) {
            event = String(decoding: value, as: UTF8.self)
        } else if name.elementsEqual("id".utf8) {
            id = String(decoding: value, as: UTF8.self)
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
        appendName(event, into: &out)
        var data = data
        data.withUTF8 { appendDataLines($0, into: &out) }
        out.append(0x0A)
    }

    /// One `data:` line per line of `bytes` (split at LF, CR or CRLF, as a reader splits them).
    private static func appendDataLines(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Doubling: an exact reserve before every append would copy the whole buffer each time it grows.
        if out.capacity < out.count + bytes.count + 8 {
            out.reserveCapacity(max(out.count + bytes.count + 8, out.capacity * 2))
        }
        var i = 0
        while true {
            var j = i
            while j < bytes.count, bytes[j] != 0x0A, bytes[j] != 0x0D { j += 1 }
            out.append(contentsOf: "data: ".utf8)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
            out.append(0x0A)
            guard j < bytes.count else { return }
            if bytes[j] == 0x0D, j + 1 < bytes.count, bytes[j + 1] == 0x0A { j += 1 }
            i = j + 1
        }
    }

    /// An event whose data is `value` as compact JSON, written in place.
    public static func append(event: String?, value: JSONValue, into out: inout [UInt8]) {
        appendJSON(event: event, into: &out) { JSONWriter.write(value, into: &$0) }
    }

    /// `data: JSON\n\n` with an optional event name, for an already-serialised JSON payload.
    public static func append(event: String?, json: [UInt8], into out: inout [UInt8]) {
        appendJSON(event: event, into: &out) { $0.append(contentsOf: json) }
    }

    /// An event with one `data:` line that `writeJSON` fills in place: compact JSON has no line break.
    public static func appendJSON(event: String?, into out: inout [UInt8], _ writeJSON: (inout [UInt8]) -> Void) {
        appendName(event, into: &out)
        out.append(contentsOf: "data: ".utf8)
        writeJSON(&out)
        out.append(contentsOf: [0x0A, 0x0A])
    }

    private static func appendName(_ event: String?, into out: inout [UInt8]) {
        guard let event else { return }
        out.append(contentsOf: "event: ".utf8)
        out.append(contentsOf: event.utf8)
        out.append(0x0A)
    }
}
