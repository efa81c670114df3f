import ArgumentParser
import Foundation
import TrellisModel

/// How `trellis check` prints what it found: for people, for editors and CI (JSON), or as
/// GitHub Actions annotations, which mark the line in a pull request's diff.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github

    /// The diagnostics and the summary, in this format.
    func render(_ diagnostics: [Diagnostic], modules: Int, competencies: Int) throws -> String {
        let sorted = diagnostics.sortedByLocation()
        let errors = sorted.errors.count, warnings = sorted.warnings.count
        let summary = "Checked \(modules) modules and \(competencies) competencies: "
            + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")."
        switch self {
        case .text:
            return summary + "\n"
        case .json:
            let report = CheckReport(diagnostics: sorted.map(CheckReport.Entry.init), errors: errors, warnings: warnings,
                                     modules: modules, competencies: competencies)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case .github:
            return sorted.map(Self.annotation).joined() + summary + "\n"
        }
    }

    /// `::error file=…,line=…,col=…,title=trellis check::message — fix` (GitHub's workflow-command
    /// escaping: `%`, CR and LF in the message; also `:` and `,` in properties).
    static func annotation(_ diagnostic: Diagnostic) -> String {
        func data(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func property(_ text: String) -> String { data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
        let location = diagnostic.location
        let message = diagnostic.message + (diagnostic.remedy.map { " — \($0)" } ?? "")
        return "::\(diagnostic.severity.rawValue) file=\(property(location.path)),line=\(location.line),col=\(location.column),"
            + "title=trellis check::\(data(message))\n"
    }
}

/// `trellis check --format json`.
struct CheckReport: Encodable {
    struct Entry: Encodable {
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var message: String
        /// What to do about it.
        var fix: String?

        init(_ diagnostic: Diagnostic) {
            (file, line, column) = (diagnostic.location.path, diagnostic.location.line, diagnostic.location.column)
            (severity, message, fix) = (diagnostic.severity.rawValue, diagnostic.message, diagnostic.remedy)
        }
    }

    var diagnostics: [Entry]
    var errors: Int
    var warnings: Int
    var modules: Int
    var competencies: Int
}
