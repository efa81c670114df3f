import Foundation
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
        var library = MustacheLibrary()
        let templates = join(directory, "templates")
        for name in requiredTemplates {
            let path = join(templates, name + ".mustache")
            guard let text = readFile(path, what: "the site template `\(name)`", diagnostics: &diagnostics) else { continue }
            do {
                try library.register(MustacheTemplate(string: text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(.error(at: SourceLocation(path: path, line: error.context.lineNumber, column: error.context.columnNumber),
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

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

/// Several diagnostics thrown together, e.g. every problem that stopped a build.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sortedByLocation() }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
