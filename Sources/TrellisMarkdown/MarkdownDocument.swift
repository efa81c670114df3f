import TrellisModel
import CCmarkGFM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A Markdown document parsed by cmark-gfm, with the GFM extensions Trellis supports.
///
/// The document owns its parser and syntax tree; it is used by one thread at a time.
/// Raw HTML is never enabled (`CMARK_OPT_UNSAFE` is off), so `<script>` and other
/// markup written in a module is dropped, and cmark's safe mode blanks
/// `javascript:`/`vbscript:`/`file:` URLs.
final class MarkdownDocument {
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
    static let options: Int32 = CMARK_OPT_FOOTNOTES

    private let parser: OpaquePointer
    let root: OpaquePointer

    /// cmark-gfm's extension registry is process-wide and its registration is not
    /// thread-safe, so it happens exactly once (Swift runs `static let` initializers once).
    ///
    /// cmark-gfm's inline parser also keeps the characters that start an extension's inline
    /// syntax in a global table, which every `cmark_parser_finish` fills from its parser's
    /// extensions at the start and clears at the end (github/cmark-gfm#176): a document
    /// finishing while another is parsed could make that one miss autolinks or
    /// strikethrough. So:
    /// - autolink's characters (`:`, `w`) are put in the table once, here, and the extension's
    ///   list is emptied so no parser adds or removes them again (autolink finds its matches
    ///   by itself; the list only feeds the table);
    /// - strikethrough needs its list (`~`) to pair delimiters, so it is attached only to
    ///   documents that contain a `~`, and those finish one at a time (`strikethroughLock`).
    ///   Only they touch that entry of the table, and no other document has a `~` to miss.
    /// Every other document is parsed on any core at once, with no lock.
    private static let registration: Void = {
        cmark_gfm_core_extensions_ensure_registered()
        guard let autolink = cmark_find_syntax_extension("autolink") else { return }
        guard let pin = cmark_parser_new(options) else { fatalError("cmark_parser_new failed: out of memory") }
        cmark_parser_attach_syntax_extension(pin, autolink)
        cmark_manage_extensions_special_characters(pin, 1)
        cmark_parser_free(pin)
        // The old list stays allocated (a few bytes, once); the extension lives as long as the process.
        cmark_syntax_extension_set_special_inline_chars(autolink, nil)
    }()

    private static let strikethroughLock = NSLock()

    init(markdown: String) {
        _ = MarkdownDocument.registration
        guard let parser = cmark_parser_new(MarkdownDocument.options) else {
            fatalError("cmark_parser_new failed: out of memory")
        }
        var text = markdown
        let hasTilde = text.containsUTF8Byte(UInt8(ascii: "~"))
        for name in MarkdownDocument.extensionNames where hasTilde || name != "strikethrough" {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        if hasTilde { MarkdownDocument.strikethroughLock.lock() }
        let finished = cmark_parser_finish(parser)
        if hasTilde { MarkdownDocument.strikethroughLock.unlock() }
        guard let root = finished else { fatalError("cmark_parser_finish failed: out of memory") }
        self.parser = parser
        self.root = root
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// Renders the (possibly rewritten) tree as HTML.
    func renderHTML() -> String {
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let html = cmark_render_html(root, MarkdownDocument.options, extensions) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }

    /// Visits every node in document order: each node when it is entered, and nodes that can
    /// have children again when they are left. The tree must not change during the walk.
    func walk(_ visit: (_ node: MarkdownNode, _ entering: Bool) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if let node = cmark_iter_get_node(iterator) { visit(MarkdownNode(node), event == CMARK_EVENT_ENTER) }
        }
    }
}

/// A borrowed handle on a node of a `MarkdownDocument`'s tree; valid while the document lives.
struct MarkdownNode: Hashable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    /// Whether cmark calls the node's type `name` (as `"tasklist"` for a checklist item), without making a String.
    func hasTypeName(_ name: StaticString) -> Bool {
        strcmp(cmark_node_get_type_string(pointer), UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }
    var isImage: Bool { type == CMARK_NODE_IMAGE }
    var isText: Bool { type == CMARK_NODE_TEXT }
    var isParagraph: Bool { type == CMARK_NODE_PARAGRAPH }
    var isLineBreak: Bool { type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK }
    /// Block nodes, extension blocks (tables, cells) included, carry cmark's block type flag.
    var isBlock: Bool { type.rawValue & 0xc000 == 0x8000 }
    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }
    /// Whether a heading, link, image or table cell encloses the node: text there is not running
    /// text (and cmark-gfm's table renderer writes a cell's custom inline nodes without their markup).
    var isOutsideRunningText: Bool {
        var current = parent
        while let node = current {
            if node.type == CMARK_NODE_HEADING || node.type == CMARK_NODE_LINK || node.type == CMARK_NODE_IMAGE
                || node.hasTypeName("table_cell") { return true }
            current = node.parent
        }
        return false
    }

    var parent: MarkdownNode? { cmark_node_parent(pointer).map(MarkdownNode.init) }
    var firstChild: MarkdownNode? { cmark_node_first_child(pointer).map(MarkdownNode.init) }
    var next: MarkdownNode? { cmark_node_next(pointer).map(MarkdownNode.init) }

    var children: [MarkdownNode] {
        var result: [MarkdownNode] = []
        var child = firstChild
        while let node = child {
            result.append(node)
            child = node.next
        }
        return result
    }

    var literal: String? {
        get { cmark_node_get_literal(pointer).map { String(cString: $0) } }
        nonmutating set { _ = cmark_node_set_literal(pointer, newValue) }
    }

    var url: String {
        get { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
        nonmutating set { _ = cmark_node_set_url(pointer, newValue) }
    }

    /// Start line and column as cmark reports them. Inline nodes such as autolinks
    /// report line 0, so the nearest ancestor with a real position stands in.
    var position: (line: Int, column: Int) {
        var node: MarkdownNode? = self
        while let current = node {
            let line = Int(cmark_node_get_start_line(current.pointer))
            if line > 0 { return (line, max(1, Int(cmark_node_get_start_column(current.pointer)))) }
            node = current.parent
        }
        return (1, 1)
    }

    /// The plain text of this node and its descendants (text and code spans), as used for slugs and titles.
    var plainText: String {
        var bytes: [UInt8] = []
        collectPlainText(into: &bytes)
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Works on the literals' UTF-8 bytes as cmark holds them, without a String per node.
    func collectPlainText(into bytes: inout [UInt8]) {
        switch type {
        case CMARK_NODE_TEXT, CMARK_NODE_CODE:
            if let literal = cmark_node_get_literal(pointer) {
                literal.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
                    bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: strlen(literal)))
                }
            }
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            bytes.append(UInt8(ascii: " "))
        default:
            break
        }
        var child = cmark_node_first_child(pointer)
        while let node = child {
            MarkdownNode(node).collectPlainText(into: &bytes)
            child = cmark_node_next(node)
        }
        // Words in neighbouring blocks (list items, table cells, paragraphs) stay apart.
        if isBlock, let last = bytes.last, last != UInt8(ascii: " ") { bytes.append(UInt8(ascii: " ")) }
    }

    func unlinkAndFree() {
        cmark_node_unlink(pointer)
        cmark_node_free(pointer)
    }

    func unlink() { cmark_node_unlink(pointer) }

    /// Creates a node that the HTML renderer writes as `enter`, its children, then `exit`, verbatim.
    /// This is how Trellis adds heading anchors and callout asides without enabling raw HTML.
    static func customBlock(enter: String, exit: String) -> MarkdownNode {
        guard let node = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { fatalError("cmark_node_new failed: out of memory") }
        cmark_node_set_on_enter(node, enter)
        cmark_node_set_on_exit(node, exit)
        return MarkdownNode(node)
    }

    /// An inline counterpart of `customBlock`: written without line breaks around it.
    static func customInline(enter: String, exit: String) -> MarkdownNode {
        guard let node = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { fatalError("cmark_node_new failed: out of memory") }
        cmark_node_set_on_enter(node, enter)
        cmark_node_set_on_exit(node, exit)
        return MarkdownNode(node)
    }

    static func text(_ literal: String) -> MarkdownNode {
        guard let node = cmark_node_new(CMARK_NODE_TEXT) else { fatalError("cmark_node_new failed: out of memory") }
        cmark_node_set_literal(node, literal)
        return MarkdownNode(node)
    }

    func insertBefore(_ sibling: MarkdownNode) { cmark_node_insert_before(pointer, sibling.pointer) }
    func append(_ child: MarkdownNode) { cmark_node_append_child(pointer, child.pointer) }

    /// Moves this node's children, from `start` on, to the end of `destination`.
    ///
    /// cmark's inline nodes do not own their text: a literal points into the content buffer of
    /// the block that was parsed (a paragraph or heading), which is freed with that block. Moved
    /// nodes therefore first get their own copy, so this node can be freed afterwards.
    func moveChildren(to destination: MarkdownNode, from start: MarkdownNode? = nil) {
        var child = start ?? firstChild
        while let node = child {
            child = node.next
            node.ownLiterals()
            node.unlink()
            destination.append(node)
        }
    }

    /// Replaces borrowed literals in this subtree with copies the nodes own (`cmark_node_set_literal` copies).
    func ownLiterals() {
        if let text = literal { literal = text }
        for child in children { child.ownLiterals() }
    }
}
