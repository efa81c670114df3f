import Foundation
import TrellisModel
import Mustache

/// The site's look, kept outside Swift so a trainer can restyle it: Mustache templates in
/// `Site/templates/` and static files (CSS, JavaScript, icons) in `Site/static/`.
public struct Theme: Sendable {
    public static let requiredTemplates = ["layout", "home", "module", "competency", "competency-map", "facilitator", "not-found",
                                           "search", "manual"]

    public var directory: String
    var library: MustacheLibrary
    /// Files under `static/`, relative to it, sorted.
    public var staticFiles: [String]
    /// Loads and parses every template; returns diagnostics instead of a theme when any is broken or missing.
    public static func load(from directory: String) -> Result<Theme, DiagnosticList> {
        var diagnostics: [Diagnostic] = []
        // No theme folder at all is one problem, not one per template.
        guard FileStatus.of(join(directory, "templates"))?.kind == .directory else {
            return .failure(DiagnosticList([.error(at: SourceLocation(path: join(directory, "templates"), line: 1, column: 1),
                                                   "no site theme at \(directory) (it needs templates/ and static/)",
                                                   remedy: "pass the theme folder with --theme, e.g. the Site/ folder of the Trellis repository")]))
        }
        var library = MustacheLibrary()
        let templates = join(directory, "templates")
        for name in requiredTemplates {
            let path = join(templates, name + ".mustache")
            guard let text = readFile(path, what: "the site template `\(name)`", folderOption: "--theme", diagnostics: &diagnostics) else { continue }
            do {
                let template = try MustacheTemplate(string: PageEscaping.pragma + text)
                library.register(template, named: name)
            } catch let error as MustacheTemplate.ParserError {
                // The pragma is a line of its own before the file's first line.
                let line = max(1, error.context.lineNumber - 1)
                diagnostics.append(.error(at: SourceLocation(path: path, line: line, column: error.context.columnNumber),
                                          "template error: \(error.error)", remedy: "check that every {{#section}} has a matching {{/section}}"))
            } catch {
                diagnostics.append(.error(at: SourceLocation(path: path, line: 1, column: 1), "template error: \(error)",
                                          remedy: "check the template's Mustache syntax"))
            }
        }
        if !diagnostics.isEmpty { return .failure(DiagnosticList(diagnostics)) }
        let staticFiles = listFilesRecursively(join(directory, "static"))
        return .success(Theme(directory: directory, library: library, staticFiles: staticFiles))
    }

    func render(_ template: String, _ context: TemplateObject) -> String {
        library.render(TemplateFields(fields: context), withTemplate: template) ?? ""
    }
}

/// HTML escaping for `{{variable}}` in the site's templates when swift-mustache renders them:
/// the same five characters as swift-mustache's own (`<`, `>`, `&`, `"`, `'`), but over UTF-8
/// bytes (`HTMLText.escape`). swift-mustache escapes Character by Character through a
/// dictionary, which was a tenth of building a large site.
///
/// swift-mustache's default escaping cannot be replaced, only chosen per template with a
/// `CONTENT_TYPE` pragma, so `Theme.load` puts one on a line of its own before each
/// template's text (a standalone tag: it adds nothing to the output). Trainers' template
/// files stay as they are.
struct PageEscaping: MustacheContentType {
    static let name = "TRELLIS_HTML"
    static let pragma: String = {
        MustacheContentTypes.register(PageEscaping(), named: name)
        return "{{% CONTENT_TYPE: \(name) }}\n"
    }()

    func escapeText(_ text: String) -> String { HTMLText.escape(text) }
}
