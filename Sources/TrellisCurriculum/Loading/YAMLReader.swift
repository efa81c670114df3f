import TrellisModel
import TrellisMarkdown
import Yams

/// Reads typed fields out of YAML while remembering where each one was written.
///
/// Decoding with `Codable` stops at the first problem and loses positions; trainers need
/// every problem at once, each pointing at its own line and column.
struct YAMLReader {
    let path: String
    /// Lines of the file before the YAML text starts (front matter starts on line 2).
    let lineOffset: Int
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, lineOffset: Int = 0) {
        self.path = path
        self.lineOffset = lineOffset
    }

    /// Parses `text`; malformed YAML becomes one error at the position libyaml reports.
    mutating func parse(_ text: String) -> Node? {
        do {
            // `.basic`: every scalar is text until a field reads it as a number, date or list. The
            // default resolver runs a regular expression per scalar and per key lookup, which was
            // a fifth of loading a large curriculum.
            // `.utf8` given, not defaulted: Yams works the default out by reading the whole
            // process environment, once per call — 7% of checking a large curriculum.
            return try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            diagnostics.append(YAMLReader.diagnostic(for: error, path: path, lineOffset: lineOffset))
            return nil
        } catch {
            diagnostics.append(.error(at: SourceLocation(path: path, line: lineOffset + 1, column: 1),
                                      "could not read YAML: \(error)", remedy: "fix the YAML syntax"))
            return nil
        }
    }

    static func diagnostic(for error: YamlError, path: String, lineOffset: Int) -> Diagnostic {
        let remedy = "fix the YAML syntax here (check indentation, a missing colon, or quote text that contains ': ' or starts with a special character)"
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "malformed YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line + lineOffset))" }
            return .error(at: SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column),
                          message, remedy: remedy)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
            let (noun, pronoun) = duplicates.count == 1 ? ("field \(names) is", "it") : ("fields \(names) are", "each")
            return .error(at: SourceLocation(path: path, line: context.mark.line + lineOffset, column: context.mark.column),
                          "\(noun) written more than once (first here)",
                          remedy: "keep one line for \(pronoun) and delete the others")
        default:
            return .error(at: SourceLocation(path: path, line: lineOffset + 1, column: 1),
                          "malformed YAML: \(error)", remedy: remedy)
        }
    }

    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: path, line: lineOffset + 1, column: 1) }
        return SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column)
    }

    mutating func error(_ node: Node?, _ message: String, remedy: String) {
        diagnostics.append(.error(at: location(of: node), message, remedy: remedy))
    }

    /// An error at a place already found, e.g. one item of a `stringList`.
    mutating func error(at location: SourceLocation, _ message: String, remedy: String) {
        diagnostics.append(.error(at: location, message, remedy: remedy))
    }

    mutating func warning(_ node: Node?, _ message: String, remedy: String) {
        diagnostics.append(.warning(at: location(of: node), message, remedy: remedy))
    }

    mutating func mapping(_ node: Node?, what: String) -> YAMLMapping? {
        guard let node else {
            error(nil, "\(what) is empty", remedy: "write \(what) as a YAML mapping of `key: value` lines")
            return nil
        }
        guard let mapping = YAMLMapping(node) else {
            error(node, "\(what) must be a mapping of `key: value` lines", remedy: "write \(what) as `key: value` lines")
            return nil
        }
        return mapping
    }

    /// Warns about keys that are not part of the format (usually a typo of a real one).
    mutating func reportUnknownKeys(in mapping: YAMLMapping, known: [String], what: String) {
        for (key, _) in mapping {
            guard let name = key.string, !known.contains(name) else { continue }
            let suggestion = known.min { editDistance($0, name) < editDistance($1, name) }
            let hint = suggestion.map { editDistance($0, name) <= 3 ? "did you mean `\($0)`? " : "" } ?? ""
            warning(key, "unknown field `\(name)` in \(what)",
                    remedy: "\(hint)known fields are: \(known.joined(separator: ", "))")
        }
    }

    mutating func string(_ mapping: YAMLMapping, _ key: String, required: Bool, what: String) -> String? {
        guard let node = mapping[key] else {
            if required {
                error(mapping.node, "missing required field `\(key)` in \(what)",
                      remedy: "add a line `\(key): …`")
            }
            return nil
        }
        guard node.scalar != nil, let text = node.string else {
            error(node, "field `\(key)` must be text", remedy: "write `\(key):` followed by text on the same line")
            return nil
        }
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty {
            error(node, "field `\(key)` is empty", remedy: "give `\(key)` a value")
            return nil
        }
        return trimmed
    }

    mutating func integer(_ mapping: YAMLMapping, _ key: String, required: Bool, what: String, range: ClosedRange<Int>) -> Int? {
        guard let node = mapping[key] else {
            if required {
                error(mapping.node, "missing required field `\(key)` in \(what)", remedy: "add a line `\(key): <number>`")
            }
            return nil
        }
        guard let value = Self.decimal(node) ?? node.int else {
            error(node, "field `\(key)` must be a whole number, not `\(node.string ?? "a list or mapping")`",
                  remedy: "write a number such as `\(key): \(range.lowerBound == 0 ? 90 : range.lowerBound)`")
            return nil
        }
        guard range.contains(value) else {
            error(node, "field `\(key)` is \(value), outside \(range.lowerBound)…\(range.upperBound)",
                  remedy: "use a value between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    /// A plain `90` read without Yams' integer construction (which also reads `0x5A`, `1:30`
    /// and `9_0`, and is left to do so).
    private static func decimal(_ node: Node) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any,
              let first = scalar.string.utf8.first, first != UInt8(ascii: "0"),
              scalar.string.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(scalar.string)
    }

    mutating func date(_ mapping: YAMLMapping, _ key: String, what: String) -> CalendarDate? {
        guard let node = mapping[key] else { return nil }
        guard let text = node.string, let date = CalendarDate(text.trimmingWhitespace) else {
            error(node, "field `\(key)` must be a date written YYYY-MM-DD, not `\(node.string ?? "a list or mapping")`",
                  remedy: "write for example `\(key): 2027-06-30`")
            return nil
        }
        return date
    }

    /// A list of text items; a single text value is not accepted, so `competencies: engage`
    /// (a common slip) is reported rather than silently read as one item.
    mutating func stringList(_ mapping: YAMLMapping, _ key: String, required: Bool, what: String) -> [(String, SourceLocation)]? {
        guard let node = mapping[key] else {
            if required {
                error(mapping.node, "missing required field `\(key)` in \(what)",
                      remedy: "add `\(key):` followed by a list (`- item` lines, or `[a, b]`)")
            }
            return nil
        }
        if node.null != nil { return [] }
        guard let sequence = node.sequence else {
            error(node, "field `\(key)` must be a list", remedy: "write `\(key): [\(node.string ?? "item")]` or one `- item` per line")
            return nil
        }
        var items: [(String, SourceLocation)] = []
        for item in sequence {
            guard item.scalar != nil, let text = item.string?.trimmingWhitespace, !text.isEmpty else {
                error(item, "each item of `\(key)` must be non-empty text", remedy: "write each item as text on its own `- ` line")
                continue
            }
            items.append((text, location(of: item)))
        }
        return items
    }
}

/// A YAML mapping with its keys indexed. Front matter is read field by field, and Yams finds
/// each field by building a node for the key and comparing it with every key of the mapping.
struct YAMLMapping: Sequence {
    /// The mapping's node, where a missing field is reported.
    let node: Node
    private let pairs: Node.Mapping
    private let values: [String: Node]

    /// Nil when `node` is not a mapping.
    init?(_ node: Node) {
        guard let pairs = node.mapping else { return nil }
        self.node = node
        self.pairs = pairs
        var values: [String: Node] = [:]
        // Yams has already rejected repeated keys.
        for (key, value) in pairs { if let name = key.scalar?.string { values[name] = value } }
        self.values = values
    }

    subscript(key: String) -> Node? { values[key] }

    func makeIterator() -> Node.Mapping.Iterator { pairs.makeIterator() }
}

/// Levenshtein distance, for "did you mean" suggestions on short identifiers.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
