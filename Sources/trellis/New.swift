import ArgumentParser
import Foundation
import TrellisModel
import TrellisCurriculum
import TrellisSite

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create new curriculum content from a template.",
        subcommands: [NewModule.self, NewHandout.self]
    )
}

struct NewModule: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "module",
        abstract: "Write a module skeleton with every field and callout kind, and add it to a track.",
        discussion: """
        Example:
          trellis new module family-meetings --title "Family meetings" --track core-elements
        """
    )

    @OptionGroup var options: CurriculumOptions

    @Argument(help: "The module id: lowercase letters, digits and hyphens; also its file name.")
    var id: String

    @Option(name: .long, help: "The module's title.")
    var title: String

    @Option(name: .long, help: "The track to append it to (default: the last track).")
    var track: String?

    func validate() throws {
        guard Identifier.isValid(id) else {
            throw ValidationError("'\(id)' is not a valid module id: use lowercase letters, digits and single hyphens, e.g. family-meetings")
        }
    }

    func run() throws {
        do {
            let result = try ModuleScaffold(directory: options.curriculum, id: id, title: title, trackID: track,
                                            today: try options.todayDate()).write()
            print("Created \(result.modulePath) and added it to track `\(result.trackID)` in \(result.manifestPath).")
            print("Next: edit the file, then run `trellis check`.")
        } catch let failure as ModuleScaffold.Failure {
            Terminal.error("error: \(failure)")
            throw ExitCode(1)
        }
    }
}

struct NewHandout: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handout",
        abstract: "Write a handout skeleton (handouts/<id>.md) with a fill-in table, a checklist and a trainer note.",
        discussion: """
        Example:
          trellis new handout visit-log --title "Home-visit log" --module engage --module plan
        """
    )

    @OptionGroup var options: CurriculumOptions

    @Argument(help: "The handout id: lowercase letters, digits and hyphens; also its file name.")
    var id: String

    @Option(name: .long, help: "The handout's title.")
    var title: String

    @Option(name: .long, help: "A module whose page links to the handout (repeat for several).")
    var module: [String] = []

    @Flag(name: .long, help: "Publish it in the trainer edition only.")
    var trainersOnly = false

    func validate() throws {
        guard Identifier.isValid(id) else {
            throw ValidationError("'\(id)' is not a valid handout id: use lowercase letters, digits and single hyphens, e.g. visit-log")
        }
    }

    func run() throws {
        do {
            let path = try HandoutScaffold(directory: options.curriculum, id: id, title: title, moduleIDs: module,
                                           trainersOnly: trainersOnly, today: try options.todayDate()).write()
            print("Created \(path).")
            print("Next: edit the file, link it from a module as `../handouts/\(id).md`, then run `trellis check`.")
        } catch let failure as ModuleScaffold.Failure {
            Terminal.error("error: \(failure)")
            throw ExitCode(1)
        }
    }
}
