import ArgumentParser
import TrellisCore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the curriculum and report every problem.",
        discussion: """
        Prints each problem as `path:line:column: error|warning: message — what to do`.
        Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors.

        Example:
          trellis check --curriculum Curriculum
        """
    )

    @OptionGroup var options: CurriculumOptions

    func run() throws {
        let (curriculum, loadDiagnostics) = CurriculumLoader(directory: options.curriculum).load()
        let diagnostics = loadDiagnostics + CurriculumChecker(today: try options.todayDate()).check(curriculum)
        Terminal.report(diagnostics)
        let errors = diagnostics.errors.count, warnings = diagnostics.warnings.count
        print("Checked \(curriculum.modules.count) modules and \(curriculum.framework.competencies.count) competencies: "
              + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").")
        if errors > 0 { throw ExitCode(1) }
    }
}
