import Foundation

/// The full-text search index of one edition, shipped as a script (`search-index.js`).
///
/// It is a script that assigns `window.TRELLIS_SEARCH`, not JSON fetched at run time,
/// because browsers refuse `fetch` on pages opened straight from disk (`file://`), and the
/// site must search offline from a USB stick. Lunr builds its inverted index from these
/// documents in the browser when search is first used: pre-building it would need Node.
///
/// The text comes from the edition's *rendered* module HTML, so the trainee index can only
/// contain what the trainee pages contain: trainer notes are already absent there.
public struct SearchIndex: Sendable, Equatable {
    /// One searchable section of a module, linked straight to its heading.
    public struct Document: Sendable, Hashable, Codable {
        public var moduleTitle: String
        /// The section's heading; `Overview` for the summary and objectives.
        public var heading: String
        /// The section's plain text, tags removed and whitespace collapsed.
        public var text: String
        /// Relative to the edition's root, e.g. `modules/engage.html#opening-the-conversation`.
        public var url: String

        /// Single-letter keys keep the index small; `trellis.js` reads the same names.
        enum CodingKeys: String, CodingKey {
            case moduleTitle = "t", heading = "h", text = "b", url = "u"
        }
    }

    public var documents: [Document]

    public init(documents: [Document]) { self.documents = documents }

    /// Indexes `modules` (in reading order) as rendered for `edition`.
    public init(modules: [Module], edition: Edition) {
        var documents: [Document] = []
        for module in modules {
            let page = "modules/\(module.id).html"
            let sections = RenderedSections.split(module.body.html[edition] ?? "")
            // The overview: what a reader sees first, including any text before the first heading.
            let overview = ([module.summary] + module.objectives + [sections.introduction]).filter { !$0.isEmpty }
            documents.append(Document(moduleTitle: module.title, heading: "Overview",
                                      text: overview.joined(separator: " "), url: page))
            for section in sections.sections {
                documents.append(Document(moduleTitle: module.title, heading: section.heading,
                                          text: section.text, url: page + "#" + section.anchor))
            }
        }
        self.documents = documents
    }

    /// The file's contents: one document per line, so a changed module shows as a small diff.
    public func script() -> String {
        Self.script(lines: scriptLines())
    }

    /// Each document as one line of JSON.
    func scriptLines() -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return documents.map { document in
            // Encoding four strings cannot fail.
            String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }

    /// The file around the documents' lines, which the incremental build keeps per module.
    static func script(lines: [String]) -> String {
        "window.TRELLIS_SEARCH = {\"docs\": [\n" + lines.joined(separator: ",\n") + "\n]};\n"
    }
}

/// A module's rendered HTML cut into sections at its `h2`/`h3` headings (each has an `id`,
/// so every section can be linked to), with the markup reduced to plain text.
enum RenderedSections {
    struct Section: Equatable {
        var heading: String
        var anchor: String
        var text: String
    }

    // cmark-gfm output is regular: Trellis writes `<hN id="slug">` itself and escapes `>` in attributes.
    private static let headingPattern = try! NSRegularExpression(
        pattern: #"<h([23]) id="([^"]+)">(.*?)</h\1>"#, options: [.dotMatchesLineSeparators])

    static func split(_ html: String) -> (introduction: String, sections: [Section]) {
        let source = html as NSString
        let matches = headingPattern.matches(in: html, range: NSRange(location: 0, length: source.length))
        guard let first = matches.first else { return (PlainText.from(html: html), []) }
        let introduction = PlainText.from(html: source.substring(to: first.range.location))
        var sections: [Section] = []
        for (index, match) in matches.enumerated() {
            let bodyStart = match.range.location + match.range.length
            let bodyEnd = index + 1 < matches.count ? matches[index + 1].range.location : source.length
            sections.append(Section(
                heading: PlainText.from(html: source.substring(with: match.range(at: 3))),
                anchor: PlainText.decodeEntities(source.substring(with: match.range(at: 2))),
                text: PlainText.from(html: source.substring(with: NSRange(location: bodyStart, length: bodyEnd - bodyStart)))))
        }
        return (introduction, sections)
    }
}

/// HTML reduced to the words a reader sees, for indexing and snippets.
enum PlainText {
    /// Tags that end a line of text: replaced by a space so words on either side stay apart.
    private static let blockTags: Set<String> = [
        "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "br", "div",
        "aside", "section", "blockquote", "pre", "dd", "dt", "dl", "hr", "figure", "figcaption", "thead", "tbody",
    ]

    static func from(html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close]
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                if blockTags.contains(name) { output.append(" ") }
                index = html.index(after: close)
                continue
            }
            // The footnote back-reference arrow is navigation, not text.
            if character != "↩" { output.append(character) }
            index = html.index(after: index)
        }
        return collapseWhitespace(decodeEntities(output))
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let afterAmpersand = rest[rest.index(after: ampersand)...]
            if let semicolon = afterAmpersand.prefix(10).firstIndex(of: ";"),
               let decoded = decode(entity: afterAmpersand[..<semicolon]) {
                output += decoded
                rest = afterAmpersand[afterAmpersand.index(after: semicolon)...]
            } else {
                output += "&"
                rest = afterAmpersand
            }
        }
        return output + rest
    }

    private static func decode(entity: Substring) -> String? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return " "
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
