import TrellisModel
import TrellisMarkdown

/// Parses one handout file (`handouts/<id>.md`): front matter, then the Markdown body,
/// compiled as a module's body is (callouts, trainer notes, links, glossary terms).
enum HandoutParser {
    static func parse(_ text: String, path: String, fileName: String, editions: Set<Edition>, glossary: GlossaryLinker?,
                      diagnostics: inout [Diagnostic]) -> Handout? {
        let fileID = String(fileName.dropLast(3))
        guard let split = FrontMatter.split(text) else {
            diagnostics.append(.error(at: SourceLocation(path: path, line: 1, column: 1), "handout has no front matter",
                                      remedy: "start the file with a `---` line, the handout's fields (id, title, summary, modules), and another `---` line"))
            return nil
        }
        var reader = YAMLReader(path: path, lineOffset: 1)
        defer { diagnostics += reader.diagnostics }
        let body = ModuleBodyCompiler.compile(markdown: split.body, firstLine: split.bodyFirstLine, editions: editions,
                                              folder: .handouts, glossary: glossary)
        guard let root = reader.parse(split.yaml), let fields = reader.mapping(root, what: "the front matter") else {
            return Handout(id: fileID, title: fileID, summary: "", moduleIDs: [], path: path, body: body)
        }
        let what = "the front matter"
        reader.reportUnknownKeys(in: fields, known: Handout.fields, what: what)
        var locations: [String: SourceLocation] = [:]
        for (key, value) in fields {
            if let name = key.string { locations[name] = reader.location(of: value) }
        }
        let id = reader.string(fields, "id", required: true, what: what) ?? fileID
        if fields["id"] != nil, id != fileID {
            reader.error(fields["id"], "handout id `\(id)` does not match its file name `\(fileName)`",
                         remedy: "rename the file to `\(id).md` or change the id to `\(fileID)`")
        }
        if !Identifier.isValid(id) {
            reader.error(fields["id"], "handout id `\(id)` is not a valid id",
                         remedy: "use lowercase letters, digits and single hyphens, e.g. `disclosure-menu`")
        }
        let modules = reader.stringList(fields, "modules", required: true, what: what) ?? []
        for (index, module) in modules.enumerated() { locations["modules[\(index)]"] = module.1 }
        var trainersOnly = false
        if let node = fields["trainers_only"] {
            if let value = node.bool { trainersOnly = value } else {
                reader.error(node, "field `trainers_only` must be true or false", remedy: "write `trainers_only: true` or leave the field out")
            }
        }
        return Handout(
            id: id,
            title: reader.string(fields, "title", required: true, what: what) ?? id,
            summary: reader.string(fields, "summary", required: true, what: what) ?? "",
            moduleIDs: modules.map(\.0),
            trainersOnly: trainersOnly,
            updated: reader.date(fields, "updated", what: what),
            reviewBy: reader.date(fields, "review_by", what: what),
            path: path,
            body: body,
            locations: locations)
    }
}
