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
            var index = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            var line = 1
            var fields: [String] = []
            var field: [UInt8] = []
            var recordLine = 1
            var inQuotes = false
            var fieldWasQuoted = false
            var recordHasContent = false
            let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

            func string(_ bytes: [UInt8], line: Int) throws -> String {
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw TrackerError("the file is not valid UTF-8 text", remedy: "save it as UTF-8 (CSV UTF-8 in spreadsheet programs)", line: line)
                }
                return text
            }
            func endRecord() throws {
                fields.append(try string(field, line: line))
                if recordHasContent || fields.count > 1 || !fields[0].isEmpty {
                    records.append(Record(line: recordLine, fields: fields))
                }
                fields = []
                field = []
                fieldWasQuoted = false
                recordHasContent = false
            }
            while index < bytes.count {
                let byte = bytes[index]
                if inQuotes {
                    if byte == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 1
                        } else {
                            inQuotes = false
                        }
                    } else if byte == cr, index + 1 < bytes.count, bytes[index + 1] == lf {
                        // A CRLF line break inside a quoted cell is kept as a plain line break.
                    } else {
                        if byte == lf { line += 1 }
                        field.append(byte)
                    }
                } else {
                    switch byte {
                    case quote:
                        if field.isEmpty && !fieldWasQuoted {
                            inQuotes = true
                            fieldWasQuoted = true
                            recordHasContent = true
                        } else {
                            throw TrackerError("a quote appears inside an unquoted field", remedy: "put the whole field in quotes and double any quote inside it (\"\"like this\"\")", line: line)
                        }
                    case comma:
                        fields.append(try string(field, line: line))
                        field = []
                        fieldWasQuoted = false
                        recordHasContent = true
                    case cr:
                        break
                    case lf:
                        try endRecord()
                        line += 1
                        recordLine = line
                    default:
                        if fieldWasQuoted {
                            throw TrackerError("text follows a closing quote", remedy: "put the whole field in quotes", line: line)
                        }
                        field.append(byte)
                        recordHasContent = true
                    }
                }
                index += 1
            }
            if inQuotes {
                throw TrackerError("a quoted field is never closed", remedy: "add the closing quote", line: recordLine)
            }
            if recordHasContent || !field.isEmpty || !fields.isEmpty { try endRecord() }
        }
        guard let first = records.first else {
            throw TrackerError("the file is empty", remedy: "the first line must be the header row", line: 1)
        }
        return CSVTable(header: first.fields.map { $0.trimmingWhitespace.lowercased() }, records: Array(records.dropFirst()))
    }
}
