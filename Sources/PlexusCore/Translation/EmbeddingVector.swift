/// Vectors on the wire: JSON numbers, or OpenAI's base64 of little-endian float32 bytes.
public enum EmbeddingVector {
    /// Base64 of the vector's float32 values, little-endian, as OpenAI's `encoding_format: base64` sends them.
    public static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Base64.encode(bytes)
    }

    /// The float32 values of a base64 vector; nil when it is not base64 of whole float32 values.
    public static func floats(base64 text: String) -> [Float]? {
        guard let bytes = Base64.decode(text), bytes.count % 4 == 0 else { return nil }
        var out: [Float] = []
        out.reserveCapacity(bytes.count / 4)
        var i = 0
        while i < bytes.count {
            let bits =
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            out.append(Float(bitPattern: bits))
            i += 4
        }
        return out
    }

    /// A JSON array of numbers as float32 values (the precision every embeddings API computes in); nil when it
    /// holds anything else.
    public static func floats(json: JSONValue) -> [Float]? {
        guard case .array(let items) = json else { return nil }
        var out: [Float] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .number(let n) = item else { return nil }
            out.append(Float(n))
        }
        return out
    }

    /// Writes the vector as a JSON array, each value in float32's shortest round-trip form (what OpenAI and
    /// Google print), not widened to double's seventeen digits.
    public static func writeJSON(_ vector: [Float], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, value) in vector.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if value.isFinite {
                out.append(contentsOf: value.description.utf8)
            } else {
                out.append(UInt8(ascii: "0"))  // JSON has no NaN or infinity; no real embedding holds one
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends a static piece of JSON.
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
