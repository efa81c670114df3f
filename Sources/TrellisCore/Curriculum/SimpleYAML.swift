import Yams

/// Composes the plain shape that module front matter almost always has — one `key: value`
/// per line, values that are plain or simply quoted text, `[a, b]` lists and `- item` lists —
/// into the same `Yams.Node` tree, marks included, that libyaml would build; anything else
/// (comments, escapes, block text, nesting, anchors, tabs, a repeated key) returns nil, and
/// Yams reads the text as always.
///
/// Why: libyaml's event machinery plus Yams' nodes were a tenth of a large build's CPU time,
/// for a dozen lines per module. `SimpleYAMLTests` compares this with Yams on every module
/// in the repository and on a list of awkward cases.
enum SimpleYAML {
    static func compose(_ text: String) -> Node? {
        guard marksAreWritable else { return nil }
        var text = text
        return text.withUTF8 { compose(bytes: $0) }
    }

    private static func compose(bytes: UnsafeBufferPointer<UInt8>) -> Node? {
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                lines.append(start..<index)
                start = index + 1
            } else if byte < 0x20 || byte == 0x7F || byte == 0xEF
                        || (byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] < 0xA0)
                        || (byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] & 0xFE == 0xA8) {
                // Tabs, carriage returns, control characters, a byte-order mark or U+FFFE/FFFF, and
                // the characters libyaml also takes as line breaks (U+0085, U+2028, U+2029): libyaml's.
                return nil
            }
        }
        if start < bytes.count { lines.append(start..<bytes.count) }

        var pairs: [(Node, Node)] = []
        var keys: Set<String> = []
        var number = 0
        while number < lines.count {
            let line = lines[number]
            number += 1
            if isBlank(line, bytes) { continue }
            // `key:` at the start of the line.
            var cursor = line.lowerBound
            while cursor < line.upperBound, isKeyByte(bytes[cursor]) { cursor += 1 }
            guard cursor > line.lowerBound, cursor < line.upperBound, bytes[cursor] == UInt8(ascii: ":"),
                  isKeyStart(bytes[line.lowerBound]) else { return nil }
            let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[line.lowerBound..<cursor]), as: UTF8.self)
            guard keys.insert(key).inserted else { return nil }
            let keyNode = scalar(key, .plain, line: number, column: 1)
            cursor += 1
            if cursor == line.upperBound || isBlank(cursor..<line.upperBound, bytes) {
                // A `- item` list on the following lines (nothing else: an empty value's mark is libyaml's business).
                var items: [Node] = []
                var indent: Int?
                var listMark: (line: Int, column: Int)?
                while number < lines.count {
                    let itemLine = lines[number]
                    if isBlank(itemLine, bytes) { break }
                    var dash = itemLine.lowerBound
                    while dash < itemLine.upperBound, bytes[dash] == UInt8(ascii: " ") { dash += 1 }
                    let spaces = dash - itemLine.lowerBound
                    guard dash < itemLine.upperBound, bytes[dash] == UInt8(ascii: "-"),
                          dash + 1 < itemLine.upperBound, bytes[dash + 1] == UInt8(ascii: " ") else { break }
                    guard indent == nil || indent == spaces else { return nil }
                    indent = spaces
                    listMark = listMark ?? (number + 1, spaces + 1)
                    var valueStart = dash + 2
                    while valueStart < itemLine.upperBound, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                    guard valueStart < itemLine.upperBound,
                          let item = value(valueStart..<itemLine.upperBound, bytes, line: number + 1,
                                           column: columnOf(valueStart, in: itemLine, bytes), allowsList: false) else { return nil }
                    items.append(item)
                    number += 1
                }
                guard let listMark else { return nil }
                pairs.append((keyNode, .sequence(Node.Sequence(items, tag(), .block, mark(line: listMark.line, column: listMark.column)))))
            } else {
                guard bytes[cursor] == UInt8(ascii: " ") else { return nil }
                while bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
                guard let value = value(cursor..<line.upperBound, bytes, line: number,
                                        column: columnOf(cursor, in: line, bytes), allowsList: true) else { return nil }
                pairs.append((keyNode, value))
            }
            // A value continued on an indented line is libyaml's to read.
            if number < lines.count, let next = lines[number].first, bytes[next] == UInt8(ascii: " "), !isBlank(lines[number], bytes) {
                return nil
            }
        }
        guard !pairs.isEmpty else { return nil }
        return .mapping(Node.Mapping(pairs, tag(), .block, mark(line: pairs[0].0.mark!.line, column: 1)))
    }

    /// The value that starts at `range.lowerBound` and runs to the end of the line.
    private static func value(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int, allowsList: Bool) -> Node? {
        let first = bytes[range.lowerBound]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            guard let close = range.dropFirst().firstIndex(where: { bytes[$0] == first || bytes[$0] == UInt8(ascii: "\\") }),
                  bytes[close] == first, isBlank((close + 1)..<range.upperBound, bytes) else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<close]), as: UTF8.self)
            return scalar(text, first == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted, line: line, column: column)
        }
        if first == UInt8(ascii: "[") {
            guard allowsList else { return nil }
            return flowList(range, bytes, line: line, column: column)
        }
        guard let text = plainText(range, bytes, inList: false) else { return nil }
        return scalar(text, .plain, line: line, column: column)
    }

    /// `[a, b, c]` on one line, items plain text.
    private static func flowList(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int) -> Node? {
        guard let close = range.firstIndex(of: UInt8(ascii: "]"), in: bytes), isBlank((close + 1)..<range.upperBound, bytes) else { return nil }
        var items: [Node] = []
        var itemStart = range.lowerBound + 1
        var itemColumn = column + 1
        while true {
            while itemStart < close, bytes[itemStart] == UInt8(ascii: " ") {
                itemStart += 1
                itemColumn += 1
            }
            let end = (itemStart..<close).firstIndex(of: UInt8(ascii: ","), in: bytes) ?? close
            if itemStart == end {
                // `[]`, and nothing else: `[a,]` and `[, a]` are libyaml's to judge.
                guard items.isEmpty, end == close else { return nil }
                break
            }
            guard let text = plainText(itemStart..<end, bytes, inList: true) else { return nil }
            items.append(scalar(text, .plain, line: line, column: itemColumn))
            if end == close { break }
            itemColumn += scalarCount(itemStart..<(end + 1), bytes)
            itemStart = end + 1
        }
        return .sequence(Node.Sequence(items, tag(), .flow, mark(line: line, column: column)))
    }

    /// Plain text as YAML reads it (trailing spaces dropped), or nil when it holds anything
    /// that could make it mean something else.
    private static func plainText(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, inList: Bool) -> String? {
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard end > range.lowerBound else { return nil }
        let first = bytes[range.lowerBound]
        guard !"-?:,[]{}#&*!|>'\"%@`".utf8.contains(first), bytes[end - 1] != UInt8(ascii: ":") else { return nil }
        for index in range.lowerBound..<end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":"), index + 1 < end, bytes[index + 1] == UInt8(ascii: " ") { return nil }
            if byte == UInt8(ascii: "#"), bytes[index - 1] == UInt8(ascii: " ") { return nil }
            if inList, "[]{},\"'".utf8.contains(byte) { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end]), as: UTF8.self)
        // Words YAML 1.1 gives other meanings, and document markers, are left to libyaml.
        guard text != "---", text != "..." else { return nil }
        return text
    }

    private static func isBlank(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        range.allSatisfy { bytes[$0] == UInt8(ascii: " ") }
    }

    private static func isKeyStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        isKeyStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// libyaml counts columns in Unicode scalars.
    private static func columnOf(_ index: Int, in line: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        scalarCount(line.lowerBound..<index, bytes) + 1
    }

    private static func scalarCount(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        range.reduce(0) { count, index in count + (bytes[index] & 0xC0 == 0x80 ? 0 : 1) }
    }

    private static func scalar(_ text: String, _ style: Node.Scalar.Style, line: Int, column: Int) -> Node {
        .scalar(Node.Scalar(text, tag(), style, mark(line: line, column: column)))
    }

    /// As Yams tags what it composes with the resolver `YAMLReader` asks for. One constructor
    /// for all: `Constructor.default` builds a new one, tables and all, on every use.
    private static func tag() -> Tag { Tag(.implicit, .basic, constructor) }
    // Never changed after it is made: Yams only reads a constructor's tables.
    nonisolated(unsafe) private static let constructor = Constructor.default

    // MARK: - Marks

    /// Yams' `Mark` has no public initializer; it is two integers, line then column, and is
    /// made here from those. `marksAreWritable` checks once that the result reads back as
    /// written, and turns this reader off (everything then goes to Yams) if a later Yams
    /// stores a mark differently.
    private static func mark(line: Int, column: Int) -> Mark {
        unsafeBitCast((line, column), to: Mark.self)
    }

    static let marksAreWritable: Bool = {
        guard MemoryLayout<Mark>.size == MemoryLayout<(Int, Int)>.size else { return false }
        let mark = unsafeBitCast((3, 7), to: Mark.self)
        return mark.line == 3 && mark.column == 7
    }()
}

private extension Range<Int> {
    func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        first { bytes[$0] == byte }
    }
}
