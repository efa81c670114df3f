import ArgumentParser
import Foundation
import TrellisSite

struct ThemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theme",
        abstract: "Work with the site's theme (its templates and static files).",
        subcommands: [ThemeEject.self]
    )
}

struct ThemeEject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eject",
        abstract: "Write the built-in theme out for restyling; builds then use that folder.",
        discussion: """
        DIR defaults to Site/ beside the curriculum, which `trellis build` and `trellis serve` use \
        when it exists; for another folder, pass it to them with --theme. Nothing is written when \
        any of the theme's files is already there.

        Exit codes: 0 written; 1 a file exists or could not be written.

        Example:
          trellis theme eject
        """
    )

    @OptionGroup var options: CurriculumOptions
    @Argument(help: "Where to write the theme (default: Site beside the curriculum).") var directory: String?

    func run() throws {
        let target = directory ?? options.defaultTheme
        do {
            let written = try BuiltInTheme.eject(to: target)
            print("Wrote the built-in theme (\(written.count) files) to \(target).")
            if directory != nil, target != options.defaultTheme { print("Build with it: trellis build --theme \(target)") }
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
