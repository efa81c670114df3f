import TrellisModel
import CCmarkGFM
import Foundation

/// Turns a module's Markdown body into `ModuleBody`: walks cmark-gfm's syntax tree to find
/// headings, links and callouts, rewrites the tree (heading anchors, callout asides, module
/// links to pages), then renders each requested edition.
package enum ModuleBodyCompiler {
    /// - Parameters:
    ///   - firstLine: the file line the body starts on, so positions point into the file.
    ///   - editions: editions to render; empty for checking only.
    ///   - folder: the curriculum folder the file is in, which relative links start from.
    ///   - glossary: links the first use of each term, when the curriculum has a glossary.
    package static func compile(markdown: String, firstLine: Int = 1, editions: Set<Edition>,
                                folder: LinkTarget.Folder = .modules, glossary: GlossaryLinker? = nil) -> ModuleBody {
        let document = MarkdownDocument(markdown: markdown)
        var body = ModuleBody()
        let lineShift = firstLine - 1

        // One walk finds everything; the tree is rewritten only afterwards (cmark's iterator
        // must not outlive changes to the tree it walks). The callout blockquotes being walked
        // are a stack, each with the kind its contents count as: a trainer note anywhere
        // around makes everything inside it trainer-only.
        var openCallouts: [(node: MarkdownNode, kind: CalloutKind)] = []
        var callouts: [(node: MarkdownNode, marker: CalloutMarker)] = []
        var slugger = HeadingSlugger()
        var headings: [(node: MarkdownNode, slug: String)] = []
        var links: [MarkdownNode] = []
        var tables: [MarkdownNode] = []
        var taskItems: [MarkdownNode] = []
        // Running text a glossary term may be linked in: not in a heading, a link or a trainer
        // note, and not under a `## References` heading (a source's title is not running text).
        var glossaryText: [MarkdownNode] = []
        var inReferences = false

        document.walk { node, entering in
            guard entering else {
                if openCallouts.last?.node == node { openCallouts.removeLast() }
                return
            }
            var enclosing = openCallouts.last?.kind
            switch node.type {
            case CMARK_NODE_TEXT:
                if glossary != nil, enclosing != .trainerNote, !inReferences, !node.isOutsideRunningText { glossaryText.append(node) }
            case CMARK_NODE_BLOCK_QUOTE:
                guard let marker = CalloutMarker(blockQuote: node) else { break }
                let position = node.position
                body.callouts.append(.init(marker: marker.kindText, kind: marker.kind, title: marker.title,
                                           line: position.line + lineShift, column: position.column))
                if let kind = marker.kind {
                    callouts.append((node, marker))
                    enclosing = enclosing == .trainerNote ? .trainerNote : kind
                    openCallouts.append((node, enclosing!))
                }
            case CMARK_NODE_HEADING:
                let text = node.plainText
                if node.headingLevel <= 2 { inReferences = text == "References" }
                let slug = slugger.slug(for: text)
                let position = node.position
                body.headings.append(.init(level: node.headingLevel, text: text, slug: slug,
                                           line: position.line + lineShift, column: position.column,
                                           callout: enclosing))
                headings.append((node, slug))
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let position = node.position
                body.links.append(.init(url: node.url, isImage: node.isImage, text: node.plainText,
                                        line: position.line + lineShift, column: position.column,
                                        inTrainerNote: enclosing == .trainerNote))
                links.append(node)
            case CMARK_NODE_ITEM:
                if node.hasTypeName("tasklist") { taskItems.append(node) }
            default:
                // The table extension's node type is not in cmark-gfm's public headers.
                if node.isBlock, node.hasTypeName("table") { tables.append(node) }
            }
        }
        guard !editions.isEmpty else { return body }

        if let glossary {
            let labels = Set(callouts.flatMap { $0.marker.labelNodes })
            body.glossaryTerms = glossary.link(glossaryText.filter { !labels.contains($0) })
        }
        for node in links {
            node.url = LinkTarget.siteURL(forSourceURL: node.url, from: folder)
        }
        var headingBlocks: [String: MarkdownNode] = [:]
        for (node, slug) in headings {
            let level = node.headingLevel
            let replacement = MarkdownNode.customBlock(enter: "<h\(level) id=\"\(HTMLText.escape(slug))\">",
                                                       exit: "</h\(level)>")
            node.insertBefore(replacement)
            node.moveChildren(to: replacement)
            node.unlinkAndFree()
            headingBlocks[slug] = replacement
        }
        var trainerNotes: [MarkdownNode] = []
        for (index, callout) in callouts.enumerated() {
            let aside = callout.marker.replace(callout.node, labelID: "callout-\(index + 1)")
            if callout.marker.kind == .trainerNote { trainerNotes.append(aside) }
        }
        for table in tables { ReaderMarkup.wrapTable(table) }
        for item in taskItems { ReaderMarkup.labelTaskItem(item) }
        // Headings that start a searchable section: top-level `##` and `###`.
        var sectionStarts: [MarkdownNode: (text: String, slug: String)] = [:]
        for (heading, (_, slug)) in zip(body.headings, headings) where heading.callout == nil && (2...3).contains(heading.level) {
            sectionStarts[headingBlocks[slug]!] = (heading.text, slug)
        }

        if editions.contains(.trainer) {
            body.html[.trainer] = document.renderHTML()
            body.sections[.trainer] = sections(of: document, startingAt: sectionStarts)
        }
        if editions.contains(.trainee) {
            for note in trainerNotes where note.parent != nil && !isNested(note, in: trainerNotes) {
                note.unlinkAndFree()
            }
            body.html[.trainee] = document.renderHTML()
            body.sections[.trainee] = sections(of: document, startingAt: sectionStarts)
        }
        return body
    }

    /// Cuts the document's top-level blocks into sections at the given headings, as plain text.
    private static func sections(of document: MarkdownDocument, startingAt starts: [MarkdownNode: (text: String, slug: String)]) -> [ModuleBody.Section] {
        var sections = [ModuleBody.Section(heading: nil, anchor: nil, text: "")]
        var text: [UInt8] = []
        var block = MarkdownNode(document.root).firstChild
        while let current = block {
            if let start = starts[current] {
                sections[sections.count - 1].text = PlainWords.collapse(text)
                sections.append(ModuleBody.Section(heading: start.text, anchor: start.slug, text: ""))
                text.removeAll(keepingCapacity: true)
            } else {
                text.append(UInt8(ascii: " "))
                current.collectPlainText(into: &text)
            }
            block = current.next
        }
        sections[sections.count - 1].text = PlainWords.collapse(text)
        return sections
    }

    /// A trainer note inside another one is freed with its parent.
    private static func isNested(_ note: MarkdownNode, in notes: [MarkdownNode]) -> Bool {
        var current = note.parent
        while let ancestor = current {
            if notes.contains(ancestor) { return true }
            current = ancestor.parent
        }
        return false
    }
}

/// Markup added for readers of the site, done on cmark's tree (never by rewriting HTML).
enum ReaderMarkup {
    /// Puts a table in a box that scrolls sideways on a phone instead of the whole page; the box
    /// is a focusable region labelled by the table's column headings, so keyboard users can scroll
    /// it too (WCAG 2.1.1).
    static func wrapTable(_ table: MarkdownNode) {
        let headings = table.firstChild?.children.map { $0.plainText.trimmingWhitespace }.filter { !$0.isEmpty } ?? []
        let label = headings.isEmpty ? "Table" : "Table: " + headings.joined(separator: ", ")
        let wrapper = MarkdownNode.customBlock(
            enter: "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"\(HTMLText.escape(label))\">",
            exit: "</div>")
        table.insertBefore(wrapper)
        table.unlink()
        wrapper.append(table)
    }

    /// Gives a checklist item's checkbox its text as a label. cmark-gfm writes a bare
    /// `<input type="checkbox">`, which a screen reader announces as an unnamed checkbox
    /// (WCAG 1.3.1, 4.1.2); the observation checklists coaches use are full of them.
    static func labelTaskItem(_ item: MarkdownNode) {
        let checked = cmark_gfm_extensions_get_tasklist_item_checked(item.pointer)
        guard let paragraph = item.firstChild, paragraph.isParagraph else { return }
        // Render as a plain list item; the checkbox is written inside the label instead.
        cmark_node_set_syntax_extension(item.pointer, nil)
        let label = MarkdownNode.customBlock(
            enter: "<label><input type=\"checkbox\" disabled=\"\"\(checked ? " checked=\"\"" : "") /> ",
            exit: "</label>")
        paragraph.insertBefore(label)
        paragraph.moveChildren(to: label)
        paragraph.unlinkAndFree()
    }
}

/// Whitespace-collapsed text, for search.
enum PlainWords {
    /// Works on UTF-8 bytes: ASCII whitespace separates words (multi-byte characters never
    /// contain ASCII bytes), which is all the rendered text needs and far cheaper than Characters.
    static func collapse(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { output in
            var count = 0
            var pendingSpace = false
            for byte in bytes {
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                    pendingSpace = count > 0
                default:
                    if pendingSpace {
                        output[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    output[count] = byte
                    count += 1
                }
            }
            return count
        }
    }
}

/// The `[!KIND] Optional title` marker at the start of a blockquote, found in cmark's tree.
///
/// cmark splits `[!SCENARIO]` into several text nodes (`[` and `!` open links and images),
/// so the marker is read across the first line's text nodes rather than from one literal.
struct CalloutMarker {
    var kindText: String
    var kind: CalloutKind?
    var title: String
    private var markerNodes: [MarkdownNode]
    private var titleNodes: [MarkdownNode]
    /// The text nodes of the marker line, which become the callout's label.
    var labelNodes: [MarkdownNode] { markerNodes + titleNodes }
    private var paragraph: MarkdownNode

    init?(blockQuote: MarkdownNode) {
        guard let paragraph = blockQuote.firstChild, paragraph.isParagraph else { return nil }
        // Read as UTF-8 bytes: every blockquote of every module comes through here.
        let open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        var accumulated: [UInt8] = []
        var markerNodes: [MarkdownNode] = []
        var remainder: String?
        var child = paragraph.firstChild
        while let node = child, node.isText {
            node.collectPlainText(into: &accumulated)
            markerNodes.append(node)
            child = node.next
            if let end = accumulated.firstIndex(of: close) {
                remainder = String(decoding: accumulated[(end + 1)...], as: UTF8.self)
                accumulated.removeSubrange((end + 1)...)
                break
            }
            guard accumulated.isEmpty || accumulated[0] == open else { return nil }
        }
        guard let remainder, accumulated.starts(with: [open, UInt8(ascii: "!")]), accumulated.count > 3 else { return nil }
        let name = accumulated[2..<(accumulated.count - 1)]
        let kindText: String
        if name.allSatisfy({ $0 < 0x80 }) {
            guard name.allSatisfy({ (0x41...0x5A).contains($0 & 0xDF) || $0 == UInt8(ascii: "-") }) else { return nil }
            kindText = String(decoding: name.map { $0 == UInt8(ascii: "-") ? $0 : $0 & 0xDF }, as: UTF8.self)
        } else {
            kindText = String(decoding: name, as: UTF8.self).uppercased()
            guard kindText.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
        }

        self.kindText = kindText
        self.kind = CalloutKind(rawValue: kindText)
        self.paragraph = paragraph
        // The last marker node may carry the start of the title: keep that part as the title.
        let titleStart = remainder.drop { $0 == " " || $0 == "\t" }
        var titleNodes: [MarkdownNode] = []
        if !titleStart.isEmpty, let last = markerNodes.popLast() {
            last.literal = String(titleStart)
            titleNodes.append(last)
        }
        while let node = child, !node.isLineBreak {
            titleNodes.append(node)
            child = node.next
        }
        self.markerNodes = markerNodes
        self.titleNodes = titleNodes
        // One buffer for all title nodes: text either side of emphasis keeps its spaces.
        var titleText: [UInt8] = []
        for node in titleNodes { node.collectPlainText(into: &titleText) }
        self.title = PlainWords.collapse(titleText)
    }

    /// Replaces the blockquote with an `<aside>` labelled by the callout's kind and title;
    /// returns the new node.
    func replace(_ blockQuote: MarkdownNode, labelID: String) -> MarkdownNode {
        guard let kind else { return blockQuote }
        let aside = MarkdownNode.customBlock(
            enter: "<aside class=\"callout \(kind.cssClass)\" aria-labelledby=\"\(labelID)\">",
            exit: "</aside>")
        // The label is real text (not markup in a string), so search and plain text include it.
        let label = MarkdownNode.customBlock(enter: "<p class=\"callout-label\" id=\"\(labelID)\">", exit: "</p>")
        aside.append(label)
        let kindName = MarkdownNode.customInline(enter: "<span class=\"callout-kind\">", exit: "</span>")
        kindName.append(.text(kind.label))
        label.append(kindName)
        for node in markerNodes { node.unlinkAndFree() }
        if !titleNodes.isEmpty {
            let title = MarkdownNode.customInline(enter: "<span class=\"callout-sep\">: </span><span class=\"callout-title\">", exit: "</span>")
            label.append(title)
            for node in titleNodes {
                node.ownLiterals()
                node.unlink()
                title.append(node)
            }
        }
        // Drop the line break that ended the marker line, and the paragraph if nothing is left.
        if let first = paragraph.firstChild, first.isLineBreak { first.unlinkAndFree() }
        if paragraph.firstChild == nil { paragraph.unlinkAndFree() }
        blockQuote.insertBefore(aside)
        blockQuote.moveChildren(to: aside)
        blockQuote.unlinkAndFree()
        return aside
    }
}
