extension Responses.StreamEncoder {
    /// Output that waits behind `ready`, in order.
    enum Pending {
        /// An event whose JSON is built and not yet written.
        case event(String, JSONValue)
        /// A delta written after events that were waiting.
        case bytes([UInt8])
    }

    /// `ready`, with waiting output written after it until it holds `handOverBytes`; the rest waits for `more()`.
    mutating func handOver() -> [UInt8] {
        var next = 0
        while next < pending.count, ready.count < handOverBytes {
            switch pending[next] {
            case .event(let type, let value): SSEWriter.append(event: type, value: value, into: &ready)
            case .bytes(let bytes): ready.append(contentsOf: bytes)
            }
            // Released as soon as written: a long answer's closing events share its text until then.
            pending[next] = .bytes([])
            next += 1
        }
        pending.removeFirst(next)
        defer { ready = [] }
        return ready
    }
}
