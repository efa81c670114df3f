/// `glossary.yml`: the terms a reader meets (termination of parental rights, concurrent
/// planning, active efforts), each explained once on the glossary page.
///
/// A parent peer specialist meets court and agency words long before they are taught; the
/// first use of each term in every module and handout links to its definition, so the words
/// are explained where they are read without the module text repeating them.
public struct Glossary: Sendable {
    public struct Term: Sendable, Identifiable {
        public var id: String
        /// The term as the glossary shows it, e.g. `Termination of parental rights`.
        public var term: String
        /// Other spellings matched in the text (`TPR`).
        public var aliases: [String]
        public var definition: String
        /// Where the definition comes from (a statute, a rule, agency guidance), with its date.
        public var source: String?
        public var location: SourceLocation

        public init(id: String, term: String, aliases: [String] = [], definition: String, source: String? = nil, location: SourceLocation) {
            (self.id, self.term, self.aliases, self.definition, self.source, self.location) = (id, term, aliases, definition, source, location)
        }

        /// The term's anchor on the glossary page (`term-` keeps it apart from the page's own ids).
        public var anchor: String { "term-" + id }

        /// The words that link to the term in module and handout text.
        public var phrases: [String] { [term] + aliases }
    }

    public var terms: [Term]
    public var path: String

    public init(terms: [Term], path: String) {
        self.terms = terms
        self.path = path
    }

    /// Fields of a term, as `glossary.yml` spells them.
    public static let termFields = ["id", "term", "aliases", "definition", "source"]
}
