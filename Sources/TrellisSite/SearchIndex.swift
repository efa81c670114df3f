import Foundation
import TrellisModel

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

    /// Indexes `modules` (in reading order), then the handouts and the glossary, as rendered for `edition`.
    public init(modules: [Module], handouts: [Handout] = [], glossary: Glossary? = nil, edition: Edition) {
        var documents: [Document] = []
        func add(title: String, page: String, leading: [String], sections: [ModuleBody.Section]) {
            // The overview: what a reader sees first, including any text before the first heading.
            let introduction = sections.first { $0.heading == nil }?.text ?? ""
            let overview = (leading + [introduction]).filter { !$0.isEmpty }
            documents.append(Document(moduleTitle: title, heading: "Overview", text: overview.joined(separator: " "), url: page))
            for section in sections {
                guard let heading = section.heading, let anchor = section.anchor else { continue }
                documents.append(Document(moduleTitle: title, heading: heading, text: section.text, url: page + "#" + anchor))
            }
        }
        for module in modules {
            add(title: module.title, page: "modules/\(module.id).html", leading: [module.summary] + module.objectives,
                sections: module.body.sections(for: edition) ?? [])
        }
        for handout in handouts {
            add(title: handout.title, page: "handouts/\(handout.id).html", leading: [handout.summary],
                sections: handout.body.sections(for: edition) ?? [])
        }
        for term in glossary?.terms ?? [] {
            documents.append(Document(moduleTitle: "Glossary", heading: term.term, text: ([term.definition] + term.aliases).joined(separator: " "),
                                      url: "glossary.html#" + term.anchor))
        }
        self.documents = documents
    }

    /// The file's contents: one document per line, so a changed module shows as a small diff.
    public func script() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = documents.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }
        return "window.TRELLIS_SEARCH = {\"docs\": [\n" + lines.joined(separator: ",\n") + "\n]};\n"
    }
}
