import Foundation

/// The full-text search index of one edition, shipped as a script (`search-index.js`).
///
/// It is a script that assigns `window.TRELLIS_SEARCH`, not JSON fetched at run time,
/// because browsers refuse `fetch` on pages opened straight from disk (`file://`), and the
/// site must search offline from a USB stick. Lunr builds its inverted index from these
/// documents in the browser when search is first used: pre-building it would need Node.
///
/// The text comes from the module body as compiled for the edition (`ModuleBody.sections`), so
/// the trainee index can only contain what the trainee pages contain: trainer notes are absent.
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
            let sections = module.body.sections(for: edition) ?? []
            // The overview: what a reader sees first, including any text before the first heading.
            let introduction = sections.first { $0.heading == nil }?.text ?? ""
            let overview = ([module.summary] + module.objectives + [introduction]).filter { !$0.isEmpty }
            documents.append(Document(moduleTitle: module.title, heading: "Overview",
                                      text: overview.joined(separator: " "), url: page))
            for section in sections {
                guard let heading = section.heading, let anchor = section.anchor else { continue }
                documents.append(Document(moduleTitle: module.title, heading: heading, text: section.text, url: page + "#" + anchor))
            }
        }
        self.documents = documents
    }

    /// The file's contents: one document per line, so a changed module shows as a small diff.
    public func script() -> String {
        Self.scriptHead + scriptLines().joined(separator: Self.scriptSeparator) + Self.scriptTail
    }

    /// Each document as one line of JSON: the bytes `JSONEncoder` writes with sorted keys and
    /// unescaped slashes (tested against it), without its cost per value — tens of thousands
    /// of documents in a large curriculum.
    func scriptLines() -> [String] {
        documents.map { document in
            var json = JSONBytes()
            Self.append(document, to: &json)
            return String(decoding: json.bytes, as: UTF8.self)
        }
    }

    /// `scriptLines()` joined with `,\n`, written as one string: a module's share of the file.
    func scriptText() -> String {
        var json = JSONBytes()
        for (index, document) in documents.enumerated() {
            if index > 0 { json.raw(",\n") }
            Self.append(document, to: &json)
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    private static func append(_ document: Document, to json: inout JSONBytes) {
        json.raw("{\"b\":"); json.string(document.text)
        json.raw(",\"h\":"); json.string(document.heading)
        json.raw(",\"t\":"); json.string(document.moduleTitle)
        json.raw(",\"u\":"); json.string(document.url)
        json.raw("}")
    }

    /// `search-index.js` is `scriptHead`, the documents' lines separated by `scriptSeparator`, then
    /// `scriptTail`: the site writes it a few hundred modules' lines at a time, never joined
    /// into one string (megabytes for a large curriculum).
    static let scriptHead = "window.TRELLIS_SEARCH = {\"docs\": [\n"
    static let scriptSeparator = ",\n"
    static let scriptTail = "\n]};\n"
}
