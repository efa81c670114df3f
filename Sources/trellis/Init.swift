import ArgumentParser
import Foundation
import TrellisModel
import TrellisCurriculum

extension CurriculumScaffold.CI: ExpressibleByArgument {}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new curriculum: a working Curriculum/ with a sample module, .gitignore and a CI workflow.",
        discussion: """
        Writes Curriculum/curriculum.yml and Curriculum/competencies.yml (every field explained in \
        comments), Curriculum/modules/welcome.md (a sample module with every callout kind), a \
        .gitignore that keeps the built site and tracker databases out of git, and (optional) a \
        workflow that publishes the trainee edition to GitHub Pages or GitLab Pages. \
        `trellis check && trellis build` works in it at once, with the built-in theme. \
        Nothing is written when any of these files exists already.

        Exit codes: 0 written; 1 a file exists or could not be written; 2 the command line is wrong.

        Examples:
          trellis init my-training --title "Family Peer Support Training" --organization "Northside Family Network"
          trellis init --ci gitlab
        """
    )

    @Argument(help: "The folder to create it in (default: the current folder).") var directory: String = "."
    @Option(help: "The curriculum's title.") var title: String = "Peer Specialist Training"
    @Option(help: "The program or agency that runs it.") var organization: String?
    @Option(help: "The CI workflow to write: github, gitlab or none.") var ci: CurriculumScaffold.CI = .github
    @Option(name: .long, help: ArgumentHelp("Treat this date (YYYY-MM-DD) as today.", visibility: .hidden)) var today: String?

    func run() throws {
        let date = try CurriculumOptions.parse(today.map { ["--today", $0] } ?? []).todayDate()
        do {
            let written = try CurriculumScaffold(directory: directory, title: title, organization: organization, ci: ci, today: date).write()
            for path in written { print("Created \(join(directory, path))") }
            let into = directory == "." ? "" : "cd \(directory) && "
            print("Next: \(into)trellis check && trellis build, then open _site/trainee/index.html.")
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
