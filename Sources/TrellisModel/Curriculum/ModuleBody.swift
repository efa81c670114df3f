/// What the compiler learns from a module's Markdown body, and the body's HTML per edition.
public struct ModuleBody: Sendable {
    public struct Heading: Sendable, Hashable {
        public var level: Int
        public var text: String
        public var slug: String
        public var line: Int
        public var column: Int
        /// The callout the heading sits in, if any (such headings stay out of the table of contents).
        public var callout: CalloutKind?

        public init(level: Int, text: String, slug: String, line: Int, column: Int, callout: CalloutKind? = nil) {
            (self.level, self.text, self.slug, self.line, self.column, self.callout) = (level, text, slug, line, column, callout)
        }
    }

    public struct Link: Sendable, Hashable {
        public var url: String
        public var isImage: Bool
        /// For images, the alternative text (empty when missing).
        public var text: String
        public var line: Int
        public var column: Int
        public var inTrainerNote: Bool

        public init(url: String, isImage: Bool, text: String, line: Int, column: Int, inTrainerNote: Bool) {
            (self.url, self.isImage, self.text, self.line, self.column, self.inTrainerNote) = (url, isImage, text, line, column, inTrainerNote)
        }
    }

    public struct Callout: Sendable, Hashable {
        /// The kind as written (`SCENARIO`), so unknown kinds can be reported.
        public var marker: String
        public var kind: CalloutKind?
        public var title: String
        public var line: Int
        public var column: Int

        public init(marker: String, kind: CalloutKind?, title: String, line: Int, column: Int) {
            (self.marker, self.kind, self.title, self.line, self.column) = (marker, kind, title, line, column)
        }
    }

    /// A part of the rendered body between headings, as plain text: what search indexes.
    public struct Section: Sendable, Hashable {
        /// Nil for the text before the first heading.
        public var heading: String?
        public var anchor: String?
        public var text: String

        public init(heading: String?, anchor: String?, text: String) {
            (self.heading, self.anchor, self.text) = (heading, anchor, text)
        }
    }

    public var headings: [Heading] = []
    public var links: [Link] = []
    public var callouts: [Callout] = []
    /// The glossary terms whose first use in the body links to the glossary, by term id.
    public var glossaryTerms: [String] = []
    /// The rendered HTML per edition.
    public var html: [Edition: String] = [:]
    /// The body's sections (at `##` and `###` headings outside callouts) per rendered edition.
    public var sections: [Edition: [Section]] = [:]

    public init() {}

    /// One edition's HTML, when that edition was rendered.
    public func html(for edition: Edition) -> String? { html[edition] }
    /// One edition's sections, when that edition was rendered.
    public func sections(for edition: Edition) -> [Section]? { sections[edition] }

    public var anchors: Set<String> { Set(headings.map(\.slug)) }

    /// Whether one of the headings has this anchor. A scan, not `anchors`: a body has a few
    /// headings, and this is asked for every link into the module.
    public func hasAnchor(_ slug: String) -> Bool { headings.contains { $0.slug == slug } }
}
