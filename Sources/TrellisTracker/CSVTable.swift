import TrellisModel
import Foundation

/// A CSV file read per RFC 4180: UTF-8 with or without a byte-order mark, CRLF or LF line
/// endings, quoted fields with `""` escapes and line breaks inside quotes. Each record keeps
/// the line it starts on, so problems can be reported by line.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    public var records: [Record]

    static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// Where the text starts (after a UTF-8 byte-order mark, if any).
    static func textStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    public static func parse(_ data: Data) throws -> CSVTable {
        var records: [Record] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = textStart(bytes)
            var line = 1
            var fields: [String] = []
            while index < bytes.count {
                let recordLine = line
                try parseRecord(bytes, at: &index, line: &line, into: &fields)
                if fields.count > 1 || !fields[0].isEmpty {
                    records.append(Record(line: recordLine, fields: fields))
                }
            }
        }
        guard let first = records.first else {
            throw TrackerError("the file is empty", remedy: "the first line must be the header row", line: 1)
        }
        return CSVTable(header: first.fields.map { $0.trimmingWhitespace.lowercased() }, records: Array(records.dropFirst()))
    }

    /// The header row (the first non-blank record, names trimmed and lowercased), and where the
    /// records after it start.
    static func header(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (names: [String], next: Int, line: Int) {
        var index = textStart(bytes), line = 1
        var fields: [String] = []
        while index < bytes.count {
            try parseRecord(bytes, at: &index, line: &line, into: &fields)
            if fields.count > 1 || !fields[0].isEmpty {
                return (fields.map { $0.trimmingWhitespace.lowercased() }, index, line)
            }
        }
        throw TrackerError("the file is empty", remedy: "the first line must be the header row", line: 1)
    }

    /// Reads one record starting at `index` (on line `line`) into `fields`, leaving `index` at
    /// the start of the next record and `line` at its line. A blank line gives one empty field.
    static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int, line: inout Int, into fields: inout [String]) throws(TrackerError) {
        let count = bytes.count
        let recordLine = line
        fields.removeAll(keepingCapacity: true)

        func text(_ start: Int, _ end: Int, line: Int) throws(TrackerError) -> String {
            if start == end { return "" }
            guard let value = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else {
                throw TrackerError("the file is not valid UTF-8 text", remedy: "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)", line: line)
            }
            return value
        }

        while true {
            if index < count, bytes[index] == quote {
                // Quoted field: "" is a quote; line breaks are kept (CRLF becomes LF).
                var value: [UInt8] = []
                index += 1
                var closed = false
                while index < count {
                    let byte = bytes[index]
                    if byte == quote {
                        if index + 1 < count, bytes[index + 1] == quote { value.append(quote); index += 2; continue }
                        index += 1
                        closed = true
                        break
                    }
                    if byte == cr, index + 1 < count, bytes[index + 1] == lf { index += 1; continue }
                    if byte == lf { line += 1 }
                    value.append(byte)
                    index += 1
                }
                guard closed else { throw TrackerError("a quoted field is never closed", remedy: "add the closing quote", line: recordLine) }
                guard let decoded = String(validating: value, as: UTF8.self) else {
                    throw TrackerError("the file is not valid UTF-8 text", remedy: "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)", line: line)
                }
                fields.append(decoded)
                if index < count, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                    throw TrackerError("text follows a closing quote", remedy: "put the whole field in quotes", line: line)
                }
            } else {
                let start = index
                while index < count {
                    let byte = bytes[index]
                    if byte == comma || byte == lf || byte == cr { break }
                    if byte == quote {
                        throw TrackerError("a quote appears inside an unquoted field", remedy: "put the whole field in quotes and double any quote inside it (\"\"like this\"\")", line: line)
                    }
                    index += 1
                }
                fields.append(try text(start, index, line: line))
            }
            // After a field: a comma continues the record; a line break or the end finishes it.
            if index < count, bytes[index] == comma {
                index += 1
                continue
            }
            if index < count, bytes[index] == cr { index += 1 }
            if index < count, bytes[index] == lf { index += 1 }
            line += 1
            return
        }
    }

    /// Where each record starts and on which line, found without decoding any field, so that
    /// records can then be parsed on all cores. Agrees with `parseRecord` on every well-formed
    /// file; on a malformed one it agrees up to the first record `parseRecord` rejects.
    static func recordStarts(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, line firstLine: Int) -> (offsets: [Int], lines: [Int]) {
        var offsets: [Int] = [], lines: [Int] = []
        offsets.reserveCapacity(bytes.count / 48)
        lines.reserveCapacity(bytes.count / 48)
        let count = bytes.count
        var index = start, line = firstLine
        var quoted = false
        var recordStart = start, recordLine = firstLine
        while index < count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < count, bytes[index + 1] == quote { index += 2; continue }
                    quoted = false
                } else if byte == lf {
                    line += 1
                }
                index += 1
                continue
            }
            if byte == quote {
                quoted = true
            } else if byte == lf || byte == cr {
                if byte == cr, index + 1 < count, bytes[index + 1] == lf { index += 1 }
                index += 1
                line += 1
                offsets.append(recordStart); lines.append(recordLine)
                recordStart = index; recordLine = line
                continue
            }
            index += 1
        }
        if recordStart < count { offsets.append(recordStart); lines.append(recordLine) }
        return (offsets, lines)
    }
}
