import TrellisModel
/// `trellis report --format json`, written by hand: the same bytes as Foundation's
/// `JSONEncoder` with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (keys sorted
/// by UTF-8, two-space indent, `"key" : value`, empty containers as `[\n\n  ]`, doubles as
/// `description` without a trailing `.0`), several times faster on a 3 MB report.
/// `ProgramReportJSONTests` compares the two.
extension ProgramReport {
    public func json() -> [UInt8] {
        var out = JSONBytes()
        out.bytes.reserveCapacity(256 + trainees.count * 420 + alerts.count * 170 + competencies.count * 200)
        out.raw("{\n")
        out.key("alerts", indent: 1)
        out.array(alerts, indent: 1) { out, alert in
            out.raw("{\n")
            out.key("date", indent: 3); out.date(alert.date); out.raw(",\n")
            out.key("detail", indent: 3); out.string(alert.detail); out.raw(",\n")
            out.key("kind", indent: 3); out.string(alert.kind.rawValue); out.raw(",\n")
            out.key("subject", indent: 3); out.string(alert.subject); out.raw(",\n")
            out.key("traineeID", indent: 3); out.string(alert.traineeID); out.raw("\n")
            out.indent(2); out.raw("}")
        }
        out.raw(",\n")
        out.key("cohorts", indent: 1)
        out.array(cohorts, indent: 1) { out, cohort in
            out.raw("{\n")
            out.key("cohort", indent: 3); out.string(cohort.cohort); out.raw(",\n")
            out.key("completed", indent: 3); out.int(cohort.completed); out.raw(",\n")
            out.key("percentComplete", indent: 3); out.int(cohort.percentComplete); out.raw(",\n")
            out.key("trainees", indent: 3); out.int(cohort.trainees); out.raw("\n")
            out.indent(2); out.raw("}")
        }
        out.raw(",\n")
        out.key("competencies", indent: 1)
        out.array(competencies, indent: 1) { out, line in
            out.raw("{\n")
            out.key("id", indent: 3); out.string(line.id); out.raw(",\n")
            out.key("levels", indent: 3)
            let levels = line.levels.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            if levels.isEmpty {
                out.raw("{\n\n"); out.indent(3); out.raw("}")
            } else {
                out.raw("{\n")
                for (position, level) in levels.enumerated() {
                    if position > 0 { out.raw(",\n") }
                    out.key(level.key, indent: 4); out.int(level.value)
                }
                out.raw("\n"); out.indent(3); out.raw("}")
            }
            out.raw(",\n")
            out.key("none", indent: 3); out.int(line.none); out.raw(",\n")
            out.key("percentAtTarget", indent: 3); out.int(line.percentAtTarget); out.raw(",\n")
            out.key("title", indent: 3); out.string(line.title); out.raw("\n")
            out.indent(2); out.raw("}")
        }
        out.raw(",\n")
        out.key("completionLevel", indent: 1); out.string(completionLevel); out.raw(",\n")
        out.key("educationHoursByYear", indent: 1)
        out.array(educationHoursByYear, indent: 1) { out, line in
            out.raw("{\n")
            out.key("hours", indent: 3); out.double(line.hours); out.raw(",\n")
            out.key("trainees", indent: 3); out.int(line.trainees); out.raw(",\n")
            out.key("year", indent: 3); out.int(line.year); out.raw("\n")
            out.indent(2); out.raw("}")
        }
        out.raw(",\n")
        out.key("generatedOn", indent: 1); out.date(generatedOn); out.raw(",\n")
        out.key("scale", indent: 1)
        out.array(scale, indent: 1) { out, level in out.string(level) }
        out.raw(",\n")
        out.key("trainees", indent: 1)
        out.array(trainees, indent: 1) { out, line in
            out.raw("{\n")
            if let cohort = line.cohort { out.key("cohort", indent: 3); out.string(cohort); out.raw(",\n") }
            out.key("competenciesAtTarget", indent: 3); out.int(line.competenciesAtTarget); out.raw(",\n")
            out.key("competenciesTotal", indent: 3); out.int(line.competenciesTotal); out.raw(",\n")
            if let deadline = line.credentialDeadline { out.key("credentialDeadline", indent: 3); out.date(deadline); out.raw(",\n") }
            if let hours = line.credentialHours { out.key("credentialHours", indent: 3); out.double(hours); out.raw(",\n") }
            out.key("id", indent: 3); out.string(line.id); out.raw(",\n")
            if let last = line.lastCoaching { out.key("lastCoaching", indent: 3); out.date(last); out.raw(",\n") }
            out.key("modulesCompleted", indent: 3); out.int(line.modulesCompleted); out.raw(",\n")
            out.key("modulesTotal", indent: 3); out.int(line.modulesTotal); out.raw(",\n")
            out.key("name", indent: 3); out.string(line.name); out.raw(",\n")
            out.key("percentComplete", indent: 3); out.int(line.percentComplete); out.raw(",\n")
            if let site = line.site { out.key("site", indent: 3); out.string(site); out.raw(",\n") }
            out.key("status", indent: 3); out.string(line.status); out.raw("\n")
            out.indent(2); out.raw("}")
        }
        out.raw(",\n")
        out.key("withinDays", indent: 1); out.int(withinDays); out.raw("\n")
        out.raw("}")
        return out.bytes
    }
}

/// A byte buffer with the pieces of pretty-printed JSON.
struct JSONBytes {
    var bytes: [UInt8] = []

    @inline(__always) mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always) mutating func indent(_ level: Int) {
        for _ in 0..<(2 * level) { bytes.append(0x20) }
    }

    /// `"key" : ` at an indent.
    mutating func key(_ key: String, indent level: Int) {
        indent(level)
        string(key)
        raw(" : ")
    }

    /// A JSON array, each element on its own line one level deeper than `level`.
    mutating func array<T>(_ elements: [T], indent level: Int, _ element: (inout JSONBytes, T) -> Void) {
        raw("[\n")
        if elements.isEmpty {
            raw("\n"); indent(level); raw("]")
            return
        }
        for (position, value) in elements.enumerated() {
            if position > 0 { raw(",\n") }
            indent(level + 1)
            element(&self, value)
        }
        raw("\n"); indent(level); raw("]")
    }

    mutating func string(_ value: String) {
        bytes.append(0x22)
        var value = value
        value.withUTF8 { utf8 in
            var mark = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if index > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
                mark = index + 1
                switch byte {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                }
            }
            if utf8.count > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark...])) }
        }
        bytes.append(0x22)
    }

    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            if value == .min { bytes.append(contentsOf: String(value).utf8.dropFirst()); return }
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// As `JSONEncoder` writes a Double: its `description`, without a trailing `.0`.
    mutating func double(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A `CalendarDate` as its `YYYY-MM-DD` string.
    mutating func date(_ date: CalendarDate) {
        guard (0...9999).contains(date.year) else { return string(date.description) }
        bytes.append(0x22)
        let y = date.year
        bytes.append(UInt8(y / 1000) + 0x30); bytes.append(UInt8(y / 100 % 10) + 0x30)
        bytes.append(UInt8(y / 10 % 10) + 0x30); bytes.append(UInt8(y % 10) + 0x30)
        bytes.append(0x2D)
        bytes.append(UInt8(date.month / 10) + 0x30); bytes.append(UInt8(date.month % 10) + 0x30)
        bytes.append(0x2D)
        bytes.append(UInt8(date.day / 10) + 0x30); bytes.append(UInt8(date.day % 10) + 0x30)
        bytes.append(0x22)
    }
}
