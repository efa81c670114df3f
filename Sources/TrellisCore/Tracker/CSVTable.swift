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

    public static func parse(_ data: Data) throws -> CSVTable {
        var records: [Record] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            var index = 0
            if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
            var line = 1
            var fields: [String] = []

            func text(_ start: Int, _ end: Int, line: Int) throws -> String {
                if start == end { return "" }
                guard let value = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else {
                    throw TrackerError("the file is not valid UTF-8 text", remedy: "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)", line: line)
                }
                return value
            }

            while index < count {
                let recordLine = line
                fields.removeAll(keepingCapacity: true)
                var endOfRecord = false
                while !endOfRecord {
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
                        while index < count, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                            if bytes[index] == quote {
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
                    endOfRecord = true
                }
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
}
