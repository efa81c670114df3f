import Foundation

/// Finishing touches to a module's rendered body for readers of the site, applied when a page
/// is built (the Markdown renderer's own output, and its golden files, stay as cmark-gfm writes them).
enum ReaderHTML {
    static func finish(_ html: String) -> String {
        wrapTables(labelTaskItems(html))
    }

    // MARK: - Task lists

    private static let taskItem = try! NSRegularExpression(
        pattern: #"(<input type="checkbox"(?: checked="")? disabled="" />)(.*?)(?=</li>|</p>|<ul>|<ol>|<ol start|<p>|<div|<blockquote|<table)"#,
        options: [.dotMatchesLineSeparators])

    /// Gives each task-list checkbox (`- [ ] Names the boundary`) its item's text as a label.
    ///
    /// cmark-gfm writes a bare `<input type="checkbox" disabled="" />` before the text, which a
    /// screen reader announces as an unnamed checkbox (WCAG 1.3.1 and 4.1.2). Wrapping the input
    /// and the text up to the next block in a `<label>` names it without changing how the
    /// observation checklists look or print.
    static func labelTaskItems(_ html: String) -> String {
        guard html.contains("type=\"checkbox\"") else { return html }
        let range = NSRange(location: 0, length: (html as NSString).length)
        return taskItem.stringByReplacingMatches(in: html, range: range, withTemplate: "<label>$1$2</label>")
    }

    // MARK: - Tables

    private static let table = try! NSRegularExpression(pattern: #"<table>(.*?)</table>"#, options: [.dotMatchesLineSeparators])
    private static let headerCell = try! NSRegularExpression(pattern: #"<th[^>]*>(.*?)</th>"#, options: [.dotMatchesLineSeparators])

    /// Puts each table in a box that scrolls sideways on a phone, instead of the whole page.
    ///
    /// The box is a focusable, labelled region so that keyboard users can scroll it too
    /// (WCAG 2.1.1); its label is the table's column headings.
    static func wrapTables(_ html: String) -> String {
        guard html.contains("<table>") else { return html }
        let source = html as NSString
        var output = ""
        var position = 0
        for match in table.matches(in: html, range: NSRange(location: 0, length: source.length)) {
            output += source.substring(with: NSRange(location: position, length: match.range.location - position))
            let inner = source.substring(with: match.range(at: 1))
            let innerSource = inner as NSString
            let headings = headerCell.matches(in: inner, range: NSRange(location: 0, length: innerSource.length))
                .map { PlainText.from(html: innerSource.substring(with: $0.range(at: 1))) }
                .filter { !$0.isEmpty }
            let label = headings.isEmpty ? "Table" : "Table: " + headings.joined(separator: ", ")
            output += "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"\(HTMLText.escape(label))\">"
                + source.substring(with: match.range) + "</div>"
            position = match.range.location + match.range.length
        }
        return output + source.substring(from: position)
    }
}
