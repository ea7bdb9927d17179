/// A calendar date, `YYYY-MM-DD`, checked to exist (no 2019-02-30).
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible, JSONCodable {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) throws {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Day.daysIn(month: month, year: year)).contains(day) else {
            throw ValidationError(.root, "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2)) is not a calendar date")
        }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(_ text: String) throws {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2)
        else { throw ValidationError(.root, "\"\(text)\" is not a date of the form YYYY-MM-DD") }
        do { try self.init(year: y, month: m, day: d) } catch {
            throw ValidationError(.root, "\"\(text)\" is not a calendar date")
        }
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        let s = try String(json: json, at: pointer)
        do { try self.init(s) } catch let e as ValidationError { throw ValidationError(pointer, e.reason) }
    }

    /// The day a number of days after 1970-01-01.
    public init(daysSinceEpoch z0: Int) {
        // Howard Hinnant's civil-from-days.
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0); month = m; day = d
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// Seconds since the epoch at 00:00 UTC of this day.
    public var startSeconds: Int64 { Int64(daysSinceEpoch) * 86_400 }
    /// Seconds since the epoch at the end of this day (24:00 UTC).
    public var endSeconds: Int64 { startSeconds + 86_400 }

    public var json: JSONValue { .string(description) }
    public var description: String { "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))" }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// An instant as RFC 3339 gives it, keeping the writer's UTC offset for the commit's time zone.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible, JSONCodable {
    /// Seconds since 1970-01-01T00:00:00Z (fractions of a second are dropped: git keeps seconds).
    public let seconds: Int64
    /// The offset from UTC in minutes, as written (`+08:00` is 480).
    public let offsetMinutes: Int

    public init(seconds: Int64, offsetMinutes: Int = 0) {
        self.seconds = seconds
        self.offsetMinutes = offsetMinutes
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`.
    public init(_ text: String) throws {
        let bad = ValidationError(.root, "\"\(text)\" is not an RFC 3339 timestamp such as 2019-03-11T09:00:00Z")
        let b = Array(text.utf8)
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let h = digits(b, 11, 2), let mi = digits(b, 14, 2), let s = digits(b, 17, 2)
        else { throw bad }
        let day: Day
        do { day = try Day(String(decoding: b[0..<10], as: UTF8.self)) } catch {
            throw ValidationError(.root, "\"\(text)\" does not name a calendar date")
        }
        // No leap second (:60): git keeps whole seconds since the epoch, which cannot name one, and
        // RFC 3339 validators (the JSON Schema's among them) refuse it on days without one.
        guard h < 24, mi < 60, s < 60 else { throw ValidationError(.root, "\"\(text)\" does not name a time of day (seconds run 00 to 59)") }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > start else { throw bad }
        }
        guard i < b.count else { throw bad }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { throw bad }
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count == i + 6, b[i + 3] == UInt8(ascii: ":"),
                  let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh < 24, om < 60
            else { throw bad }
            offset = (oh * 60 + om) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = day.startSeconds + Int64(h * 3600 + mi * 60 + s)
        self.init(seconds: local - Int64(offset * 60), offsetMinutes: offset)
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        let s = try String(json: json, at: pointer)
        do { try self.init(s) } catch let e as ValidationError { throw ValidationError(pointer, e.reason) }
    }

    /// The UTC calendar day of this instant.
    public var utcDay: Day { Day(daysSinceEpoch: Int((seconds - (seconds % 86_400 + 86_400) % 86_400) / 86_400)) }

    /// The day as the writer saw it, in their own offset.
    public var localDay: Day {
        let local = seconds + Int64(offsetMinutes * 60)
        return Day(daysSinceEpoch: Int((local - (local % 86_400 + 86_400) % 86_400) / 86_400))
    }

    public var json: JSONValue { .string(description) }

    /// RFC 3339 in the writer's offset, `Z` for UTC.
    public var description: String {
        let local = seconds + Int64(offsetMinutes * 60)
        let secOfDay = Int((local % 86_400 + 86_400) % 86_400)
        let day = Day(daysSinceEpoch: Int((local - Int64(secOfDay)) / 86_400))
        let time = "\(padded(secOfDay / 3600, 2)):\(padded(secOfDay / 60 % 60, 2)):\(padded(secOfDay % 60, 2))"
        let zone: String
        if offsetMinutes == 0 { zone = "Z" } else {
            let a = abs(offsetMinutes)
            zone = (offsetMinutes < 0 ? "-" : "+") + "\(padded(a / 60, 2)):\(padded(a % 60, 2))"
        }
        return "\(day)T\(time)\(zone)"
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
}

private func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
    guard start + count <= b.count else { return nil }
    var v = 0
    for i in start..<(start + count) {
        let c = b[i]
        guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
        v = v * 10 + Int(c - UInt8(ascii: "0"))
    }
    return v
}

/// `n` in decimal, zero-padded to `width` digits.
public func padded(_ n: Int, _ width: Int) -> String {
    let digits = String(abs(n))
    return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
