import Foundation

/// One embedded dashboard file as `scripts/embed-ui` writes it: its path under ui/, content type and base64 bytes.
struct EncodedDashboardAsset: Sendable {
    let path: String
    let contentType: String
    let base64: String
}

/// One dashboard file ready to serve.
struct DashboardAsset: Sendable {
    let path: String
    let contentType: String
    let bytes: [UInt8]
}

extension DashboardAssets {
    /// The files by their path under ui/, decoded on first use (a `static let` is initialised once, thread-safely).
    static let byPath: [String: DashboardAsset] = {
        var table: [String: DashboardAsset] = [:]
        for file in encoded {
            // The generator wrote valid base64; an undecodable entry would be a generator bug, served as empty.
            let bytes = Data(base64Encoded: file.base64).map { Array($0) } ?? []
            table[file.path] = DashboardAsset(path: file.path, contentType: file.contentType, bytes: bytes)
        }
        return table
    }()
}
