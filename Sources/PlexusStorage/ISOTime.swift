import Foundation

/// The management API's time format: ISO 8601 UTC with milliseconds (`2026-11-25T12:00:00.000Z`).
public enum ISOTime {
    private static let withMillis = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plain = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// `2026-11-25T12:00:00.000Z`.
    public static func string(_ date: Date) -> String {
        withMillis.format(date)
    }

    /// Reads an ISO 8601 time (with or without fractional seconds, `Z` or an offset) or Unix seconds.
    public static func parse(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        if let date = try? withMillis.parse(text) { return date }
        return try? plain.parse(text)
    }
}
