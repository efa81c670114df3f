import ArgumentParser
import Foundation
import TrellisModel
import TrellisSite

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile the curriculum into a static site.",
        discussion: """
        Checks the curriculum first and writes nothing if it has errors. Each edition is \
        written to <output>/<edition>/. A rebuild rewrites only the files whose content \
        changed (each file is replaced whole) and removes the files the site no longer has; \
        the result is the same as a clean build. --clean writes each edition into a new \
        folder that replaces the previous one when complete.
        The trainee edition contains no trainer notes; the trainer edition adds them and a \
        facilitator overview.

        --pdf also prints each module and the whole curriculum to <output>/<edition>/pdf/ \
        with headless Chromium (apt-get install chromium). --zip also writes \
        <output>/<edition>.zip, the whole edition in one file for a USB stick or shared drive.
        Search uses Debian's Lunr (apt-get install libjs-lunr); without it the site is built \
        with search turned off.

        Examples:
          trellis build
          trellis build --edition trainee --output /srv/www/training
          trellis build --pdf --zip
          trellis build --clean
        """
    )

    @OptionGroup var options: CurriculumOptions

    @Option(name: .long, help: "Where to write the site; each edition goes in a subfolder.")
    var output: String = "_site"

    @Option(name: .long, help: "Build only this edition: trainee or trainer (default: both).")
    var edition: Edition?

    @Option(name: .long, help: "The theme folder with templates/ and static/ (default: Site beside the curriculum if there is one, else the built-in theme).")
    var theme: String?

    @Flag(name: .long, help: "Also write a PDF handout per module and a whole-curriculum manual to <output>/<edition>/pdf/ (needs Chromium).")
    var pdf = false

    @Flag(name: .long, help: "Also write <output>/<edition>.zip: the whole edition in one file.")
    var zip = false

    @Flag(name: .long, help: "Write every file again, into a new folder swapped in when complete.")
    var clean = false

    func run() throws {
        let settings = SiteSettings(curriculumDirectory: options.curriculum, theme: options.theme(theme), outputDirectory: output,
                                    editions: edition.map { [$0] } ?? Edition.allCases)
        let compiler = SiteCompiler(settings: settings, today: try options.todayDate(), makesPDFs: pdf, makesZips: zip, clean: clean)
        do {
            let report = try compiler.build()
            Terminal.report(report.warnings)
            for notice in report.notices + [report.removedPDFsNotice].compactMap({ $0 }) { Terminal.error(notice) }
            print(report.summary(output: output))
            for file in report.extraFiles { print("Wrote \(file)") }
            if ProcessInfo.processInfo.environment["TRELLIS_TIMINGS"] == "1" {
                Terminal.error("  " + report.timingsDescription)
            }
        } catch let list as DiagnosticList {
            Terminal.report(list.diagnostics)
            let errors = list.diagnostics.errors.count
            Terminal.error("Build stopped: \(errors) error\(errors == 1 ? "" : "s"); nothing was written.")
            throw ExitCode(1)
        } catch let failure as PDFRenderer.RenderError {
            Terminal.error("error: \(failure) — the previous site was left as it was.")
            throw ExitCode(1)
        } catch let failure as AtomicDirectory.WriteError {
            Terminal.error("error: \(failure) — no file was left half-written; fix the problem and build again"
                           + " (`trellis build --clean` replaces each edition only when it is complete).")
            throw ExitCode(1)
        }
    }
}

extension Edition: ExpressibleByArgument {}
