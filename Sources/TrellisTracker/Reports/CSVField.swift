import TrellisModel
/// One CSV cell, written so that opening the file in a spreadsheet runs nothing.
///
/// Spreadsheets treat a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula, and a formula can fetch URLs or start programs
/// (`=HYPERLINK(…)`, `=cmd|'/C calc'!A0`). Following OWASP's advice on CSV injection, such a
/// cell is written with a leading `'`, which spreadsheets show as text, and quoted. A number
/// (`-2`, `+3.5`) is left as it is. A cell that itself begins with `'` gets the prefix too, so
/// that `unescape`, which `trellis import` applies to every cell, removes exactly one `'` and
/// every value comes back as it was.
public enum CSVField {
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "'"]

    public static func escape(_ field: String) -> String {
        var field = field
        var quote = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        if let first = field.first, formulaStarts.contains(first), !isNumber(field) {
            field = "'" + field
            quote = true
        }
        guard quote else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The value `escape` was given: one neutralising `'` removed.
    public static func unescape(_ field: String) -> String {
        // Bytes, not Characters: import calls this for every cell of every row.
        let utf8 = field.utf8
        guard utf8.first == UInt8(ascii: "'"), let second = utf8.dropFirst().first,
              "=+-@\t\r'".utf8.contains(second) else { return field }
        return String(field.dropFirst())
    }

    private static func isNumber(_ field: String) -> Bool {
        guard let value = Double(field), value.isFinite else { return false }
        return field.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
    }
}
