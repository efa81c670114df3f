import ArgumentParser
#if canImport(CMimalloc)
// Imported to be linked (Linux): mimalloc replaces malloc and free for the whole process.
import CMimalloc
#endif
import Foundation
import TrellisModel
import TrellisSite
import TrellisTracker

@main
struct Trellis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "Compile, check and preview a training curriculum for peer specialists.",
        discussion: """
        Trainers write modules as Markdown in Curriculum/modules/; `trellis build` turns them \
        into a static site (a trainee and a trainer edition) that opens from disk or any web server.

        Examples:
          trellis init my-training --title "Family Peer Support Training"
          trellis check
          trellis build
          trellis build --edition trainee --output /srv/www/training
          trellis new module family-meetings --title "Family meetings" --track core-elements

        Exit codes: 0 success; 1 the curriculum has errors, or the output could not be written; \
        2 the command line is wrong.
        """,
        version: TrellisVersion.current,
        subcommands: [Init.self, Build.self, Check.self, New.self, Serve.self, ThemeCommand.self,
                      TrackerCommand.self, TraineeCommand.self, Record.self, VoidEvidence.self, Import.self,
                      Progress.self, Report.self, Coaching.self, Due.self, CertificateCommand.self, Export.self, UserCommand.self]
    )

    /// ArgumentParser exits with 64 on usage errors; Trellis documents 2, as most Unix tools do.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var tracking = command as? AsyncParsableCommand {
                try await tracking.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code.rawValue == ExitCode.validationFailure.rawValue {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that read a curriculum.
struct CurriculumOptions: ParsableArguments {
    @Option(name: .long, help: "The curriculum folder (with curriculum.yml, competencies.yml, modules/).")
    var curriculum: String = "Curriculum"

    @Option(name: .long, help: ArgumentHelp("Treat this date (YYYY-MM-DD) as today when checking review dates.", visibility: .hidden))
    var today: String?

    func todayDate() throws -> CalendarDate {
        if let today {
            guard let date = CalendarDate(today) else { throw ValidationError("--today must be a date written YYYY-MM-DD") }
            return date
        }
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// Where a curriculum's own theme goes: `Site/` next to `Curriculum/`.
    var defaultTheme: String {
        URL(fileURLWithPath: curriculum).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("Site").path
    }

    /// The theme a build uses: `--theme`, else `Site/` beside the curriculum when it exists,
    /// else the theme built into `trellis`.
    func theme(_ option: String?) -> Theme.Location {
        if let option { return .folder(option) }
        return FileManager.default.fileExists(atPath: defaultTheme) ? .folder(defaultTheme) : .builtIn
    }
}

enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics.sortedByLocation() { error(diagnostic.description) }
    }
}
