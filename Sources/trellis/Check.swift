import ArgumentParser
import Foundation
import TrellisModel
import TrellisCurriculum
import TrellisTracker
import TrellisTrackerSQLite

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the curriculum and report every problem.",
        discussion: """
        Prints each problem as `path:line:column: error|warning: message — what to do`.
        When a tracker database exists (--db, $TRELLIS_DB or the default location), also warns
        about evidence that refers to modules or competencies the curriculum no longer has.
        Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors.
        --format json prints them for editors and CI ({"diagnostics": [{"file", "line", "column",         "severity", "message", "fix"}], "errors", "warnings", "modules", "competencies"});         --format github prints GitHub Actions annotations.

        Examples:
          trellis check --curriculum Curriculum
          trellis check --format github
        """
    )

    @OptionGroup var options: CurriculumOptions

    @Option(name: .long, help: "A tracker database to check for evidence the curriculum would orphan (default: $TRELLIS_DB or the default location, when it exists).")
    var db: String?

    @Option(name: .long, help: "text (default), json, or github (GitHub Actions annotations).")
    var format: DiagnosticFormat = .text

    func run() async throws {
        let (curriculum, loadDiagnostics) = CurriculumLoader(directory: options.curriculum).load()
        var diagnostics = loadDiagnostics + CurriculumChecker(today: try options.todayDate()).check(curriculum)
        let databasePath = db ?? TrackerDatabase.defaultPath()
        if FileManager.default.fileExists(atPath: databasePath), !curriculum.framework.competencies.isEmpty {
            do {
                let tracker = Tracker(store: SQLiteTrackerStore(try TrackerDatabase.open(at: databasePath, access: .readOnly)), curriculum: curriculum, actor: "check")
                diagnostics += try await TrackerVerifier(tracker: tracker).orphanDiagnostics()
            } catch {
                Terminal.error("warning: could not read the tracker database at \(databasePath): \(error)")
            }
        }
        if format == .text { Terminal.report(diagnostics) }
        print(try format.render(diagnostics, modules: curriculum.modules.count, competencies: curriculum.framework.competencies.count),
              terminator: "")
        if !diagnostics.errors.isEmpty { throw ExitCode(1) }
    }
}
