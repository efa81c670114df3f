import Foundation
import TrellisTemplates
import TrellisModel
import Mustache

/// The site's look, kept outside Swift so a trainer can restyle it: Mustache templates in
/// `Site/templates/` and static files (CSS, JavaScript, icons) in `Site/static/`.
public struct Theme: Sendable {
    public static let requiredTemplates = ["layout", "home", "module", "competency", "competency-map", "facilitator", "not-found",
                                           "search", "manual", "handout", "handouts", "glossary"]

    /// Where a theme's files are: a folder a trainer can restyle, or the one built into `trellis`.
    public enum Location: Sendable, Hashable {
        case folder(String)
        case builtIn
    }

    public var location: Location
    var library: MustacheLibrary
    /// Files under `static/`, relative to it, sorted.
    public var staticFiles: [String]
    /// The built-in theme's static files by path ([:] for a folder, whose files are copied from disk).
    private var embeddedStatic: [String: [UInt8]] = [:]

    public static func load(_ location: Location) -> Result<Theme, DiagnosticList> {
        switch location {
        case .folder(let directory): load(from: directory)
        case .builtIn: builtIn()
        }
    }

    /// Loads and parses every template; returns diagnostics instead of a theme when any is broken or missing.
    public static func load(from directory: String) -> Result<Theme, DiagnosticList> {
        var diagnostics: [Diagnostic] = []
        // No theme folder at all is one problem, not one per template.
        guard FileStatus.of(join(directory, "templates"))?.kind == .directory else {
            return .failure(DiagnosticList([.error(at: SourceLocation(path: join(directory, "templates"), line: 1, column: 1),
                                                   "no site theme at \(directory) (it needs templates/ and static/)",
                                                   remedy: "pass a theme folder with --theme, or leave --theme out to use the built-in theme "
                                                       + "(`trellis theme eject` writes it out for restyling)")]))
        }
        let templates = join(directory, "templates")
        var texts: [(name: String, path: String, text: String)] = []
        for name in requiredTemplates {
            let path = join(templates, name + ".mustache")
            guard let text = readFile(path, what: "the site template `\(name)`", folderOption: "--theme", diagnostics: &diagnostics) else { continue }
            texts.append((name, path, text))
        }
        if !diagnostics.isEmpty { return .failure(DiagnosticList(diagnostics)) }
        return parse(texts).map { Theme(location: .folder(directory), library: $0, staticFiles: listFilesRecursively(join(directory, "static"))) }
    }

    /// The theme built into `trellis` (`BuiltInTheme`).
    static func builtIn() -> Result<Theme, DiagnosticList> {
        let files = BuiltInTheme.byPath
        var texts: [(name: String, path: String, text: String)] = []
        for name in requiredTemplates {
            let path = "templates/\(name).mustache"
            texts.append((name, "(built-in theme)/" + path, String(decoding: files[path]?.bytes ?? [], as: UTF8.self)))
        }
        var staticFiles: [String: [UInt8]] = [:]
        for (path, file) in files where path.hasPrefix("static/") { staticFiles[String(path.dropFirst(7))] = file.bytes }
        return parse(texts).map {
            var theme = Theme(location: .builtIn, library: $0, staticFiles: staticFiles.keys.sorted())
            theme.embeddedStatic = staticFiles
            return theme
        }
    }

    /// A static file's content as the site writes it: copied from the theme folder, or the built-in bytes.
    func staticContent(_ path: String) -> SiteFile.Content {
        switch location {
        case .folder(let directory): .copy(from: join(join(directory, "static"), path))
        case .builtIn: .bytes(embeddedStatic[path] ?? [])
        }
    }

    /// Parses the templates, reporting each one's errors at its own line.
    private static func parse(_ texts: [(name: String, path: String, text: String)]) -> Result<MustacheLibrary, DiagnosticList> {
        var diagnostics: [Diagnostic] = []
        var library = MustacheLibrary()
        for (name, path, text) in texts {
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
        return .success(library)
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
