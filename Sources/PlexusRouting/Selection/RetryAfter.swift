import Foundation

/// Parses `Retry-After` headers: delay seconds or an HTTP date (IMF-fixdate, RFC 850, asctime).
public enum RetryAfter {
    /// Seconds to wait from `now` (seconds since the Unix epoch); `nil` when the header is not understood.
    /// A date in the past gives 0.
    public static func seconds(_ header: String, now: Double) -> Double? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
        return httpDate(text).map { max(0, $0 - now) }
    }

    /// An HTTP date as seconds since the Unix epoch, in any of the three forms RFC 9110 allows.
    public static func httpDate(_ text: String) -> Double? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch parts.count {
        case 6:  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            guard parts[5] == "GMT", let year = Int(parts[3]) else { return nil }
            return epoch(year: year, month: parts[2], day: parts[1], time: parts[4])
        case 4:  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let date = parts[1].split(separator: "-").map(String.init)
            guard parts[3] == "GMT", date.count == 3, date[2].count == 2, let yy = Int(date[2]) else { return nil }
            return epoch(year: yy < 70 ? 2000 + yy : 1900 + yy, month: date[1], day: date[0], time: parts[2])
        case 5:  // asctime: Sun Nov  6 08:49:37 1994
            guard let year = Int(parts[4]) else { return nil }
            return epoch(year: year, month: parts[1], day: parts[2], time: parts[3])
        default:
            return nil
        }
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func epoch(year: Int, month: String, day: String, time: String) -> Double? {
        guard let monthIndex = months.firstIndex(of: month.lowercased()), let day = Int(day), (1...31).contains(day)
        else { return nil }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
