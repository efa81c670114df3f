import TrellisModel

/// Parses `glossary.yml`: `terms:`, a list of `id`, `term`, `aliases`, `definition` and `source`.
enum GlossaryParser {
    static func parse(_ text: String, path: String, diagnostics: inout [Diagnostic]) -> Glossary {
        var reader = YAMLReader(path: path)
        defer { diagnostics += reader.diagnostics }
        var glossary = Glossary(terms: [], path: path)
        guard let root = reader.parse(text), let mapping = reader.mapping(root, what: "glossary.yml") else { return glossary }
        reader.reportUnknownKeys(in: mapping, known: ["terms"], what: "glossary.yml")
        guard let termsNode = mapping["terms"] else {
            reader.error(root, "missing required field `terms` in glossary.yml",
                         remedy: "add `terms:` with one `- id: …` entry (and `term:`, `definition:`) per term")
            return glossary
        }
        guard let sequence = termsNode.sequence else {
            reader.error(termsNode, "`terms` must be a list", remedy: "write each term as `- id: …` with `term:` and `definition:`")
            return glossary
        }
        for node in sequence {
            guard let fields = reader.mapping(node, what: "a glossary term") else { continue }
            reader.reportUnknownKeys(in: fields, known: Glossary.termFields, what: "a glossary term")
            let id = reader.string(fields, "id", required: true, what: "a glossary term") ?? ""
            let what = "glossary term `\(id)`"
            if fields["id"] != nil, !id.isEmpty, !Identifier.isValid(id) {
                reader.error(fields["id"], "glossary term id `\(id)` is not a valid id",
                             remedy: "use lowercase letters, digits and single hyphens, e.g. `concurrent-planning`")
            }
            let term = reader.string(fields, "term", required: true, what: what) ?? id
            let definition = reader.string(fields, "definition", required: true, what: what) ?? ""
            let aliases = reader.stringList(fields, "aliases", required: false, what: what)?.map(\.0) ?? []
            glossary.terms.append(.init(id: id, term: term, aliases: aliases, definition: definition,
                                        source: reader.string(fields, "source", required: false, what: what),
                                        location: reader.location(of: node)))
        }
        return glossary
    }
}
