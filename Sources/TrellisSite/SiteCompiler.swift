import Foundation
import TrellisModel

/// `trellis build` (and each rebuild of `trellis serve`): read and check the curriculum, render
/// each requested edition in memory, and bring `<output>/<edition>/` up to date with it.
public struct SiteCompiler: Sendable {
    public var settings: SiteSettings
    public var today: CalendarDate
    /// Also print each module and the whole curriculum to `<edition>/pdf/` (needs Chromium).
    public var makesPDFs: Bool
    /// Also write `<output>/<edition>.zip`.
    public var makesZips: Bool
    /// Where Chromium is looked for (`PATH`, `TRELLIS_CHROMIUM`) when `makesPDFs` is set.
    public var environment: [String: String]
    /// Write each edition whole into a new folder swapped in when complete, rather than
    /// rewriting only the files that changed.
    public var clean: Bool

    public init(settings: SiteSettings, today: CalendarDate, makesPDFs: Bool = false, makesZips: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment, clean: Bool = false) {
        self.settings = settings
        self.today = today
        self.makesPDFs = makesPDFs
        self.makesZips = makesZips
        self.environment = environment
        self.clean = clean
    }

    public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                editions: [Edition], today: CalendarDate, searchLibraryPath: String = SearchLibrary.debianPath,
                makesPDFs: Bool = false, makesZips: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment, clean: Bool = false) {
        self.init(settings: SiteSettings(curriculumDirectory: curriculumDirectory, themeDirectory: themeDirectory,
                                         outputDirectory: outputDirectory, editions: editions, searchLibraryPath: searchLibraryPath),
                  today: today, makesPDFs: makesPDFs, makesZips: makesZips, environment: environment, clean: clean)
    }

    public struct Report: Sendable {
        public var modules: Int
        public var pagesPerEdition: [Edition: Int]
        public var warnings: [Diagnostic]
        public var seconds: Double
        /// Lines to show besides diagnostics, e.g. that search is disabled.
        public var notices: [String] = []
        /// The PDF folders and zips written besides the pages, as paths under the output folder.
        public var extraFiles: [String] = []
        /// Files written (rendered or copied) and removed, per edition, relative to its folder:
        /// every file of an edition written whole.
        public var writtenFiles: [Edition: [String]] = [:]
        public var removedFiles: [Edition: [String]] = [:]
        /// Seconds spent in each step of the build, in order (shown with `TRELLIS_TIMINGS=1`).
        public var timings: [(step: String, seconds: Double)] = []

        public var filesWritten: Int { writtenFiles.values.reduce(0) { $0 + $1.count } }

        /// What to say when this build removed the PDFs an earlier `--pdf` build made: its
        /// pages no longer link to them, and only `--pdf` makes them again.
        public var removedPDFsNotice: String? {
            let removed = removedFiles.values.reduce(0) { $0 + $1.filter { $0.hasPrefix("pdf/") }.count }
            guard removed > 0 else { return nil }
            return "note: removed \(removed) PDF file\(removed == 1 ? "" : "s") (pdf/) that an earlier `trellis build --pdf` made, "
                + "and the pages' links to them; run `trellis build --pdf` to make them again"
        }
        public var filesRemoved: Int { removedFiles.values.reduce(0) { $0 + $1.count } }
        /// True when no file had to be written or removed.
        public var changedNothing: Bool { filesWritten == 0 && filesRemoved == 0 }

        /// `Built 15 modules into _site (trainee: 52 pages, trainer: 53 pages) in 0.09 s`
        public func summary(output: String) -> String {
            let editions = pagesPerEdition.keys.sorted().map { "\($0.rawValue): \(pagesPerEdition[$0]!) pages" }
            let warningText = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
            return "Built \(modules) modules into \(output) (\(editions.joined(separator: ", "))) in \(String(format: "%.2f", seconds)) s\(warningText)"
        }

        /// `load 6 ms, render trainee 4 ms, …`: what `TRELLIS_TIMINGS=1` prints.
        public var timingsDescription: String {
            timings.map { "\($0.step) \(Int(($0.seconds * 1000).rounded())) ms" }.joined(separator: ", ")
        }
    }

    /// Builds the site; throws `DiagnosticList` when the curriculum or theme has errors
    /// (nothing is written), `AtomicDirectory.WriteError` when the output cannot be written, or
    /// `PDFRenderer.RenderError` when `--pdf` cannot print (the previous site is kept).
    ///
    /// An edition whose folder exists is updated file by file unless `clean` is set; a `--pdf`
    /// build is always clean: PDFs are printed from the finished pages before they are
    /// swapped in.
    public func build() throws -> Report {
        let start = Date()
        var clock = Stopwatch()
        try settings.checkOutputLocation()
        // A plain build whose sources, settings and output are all as the last one left them
        // has nothing to do (see `BuildStamp`); `--clean`, `--pdf` and `--zip` always build.
        let stamps = !clean && !makesPDFs && !makesZips
        let takenAt = FileStatus.now()
        let key = stamps ? BuildStamp.key(settings, today: today) : nil
        if let key, let stamp = BuildStamp.current(settings, key: key) {
            clock.lap("unchanged")
            let pages = Dictionary(uniqueKeysWithValues: stamp.pagesPerEdition.compactMap { name, count in Edition(rawValue: name).map { ($0, count) } })
            return Report(modules: stamp.modules, pagesPerEdition: pages, warnings: stamp.warnings, seconds: Date().timeIntervalSince(start),
                          notices: stamp.notices, writtenFiles: pages.mapValues { _ in [] }, removedFiles: pages.mapValues { _ in [] },
                          timings: clock.laps)
        }
        let inputs = try SiteInputs.load(settings, today: today, linksPDFHandouts: makesPDFs)
        clock.lap("load and check")
        // After the check, so that curriculum errors are reported first, and before writing
        // anything, so that a missing Chromium leaves the previous site as it was.
        let pdfRenderer = makesPDFs ? try PDFRenderer.locate(environment: environment) : nil
        var report = Report(modules: inputs.curriculum.modules.count, pagesPerEdition: [:], warnings: inputs.warnings, seconds: 0,
                            notices: inputs.notices)
        BuildStamp.remove(settings)
        for edition in settings.editions {
            let renderer = inputs.renderer(for: edition)
            let files = renderer.output()
            report.pagesPerEdition[edition] = files.paths.filter { $0.hasSuffix(".html") }.count
            let destination = join(settings.outputDirectory, edition.rawValue)
            if clean || makesPDFs || FileStatus.of(destination)?.kind != .directory {
                try OutputFolder.replace(destination, with: files) { folder in
                    if let pdfRenderer { try pdfRenderer.render(Self.pdfJobs(in: folder, modules: renderer.curriculum.modulesInTrackOrder)) }
                }
                report.writtenFiles[edition] = files.paths
                report.removedFiles[edition] = []
            } else {
                (report.writtenFiles[edition], report.removedFiles[edition]) = try OutputFolder.update(destination, to: files)
            }
            clock.lap("render and write \(edition.rawValue)")
            if makesPDFs { report.extraFiles.append(join(destination, "pdf/")) }
            if makesZips {
                let zip = join(settings.outputDirectory, edition.rawValue + ".zip")
                let temporary = SiteArchive.temporaryPath(for: zip)
                try SiteArchive.write(folder: destination, rootName: edition.rawValue, to: temporary)
                try SiteArchive.publish(temporary, as: zip)
                report.extraFiles.append(zip)
                clock.lap("zip \(edition.rawValue)")
            }
        }
        if let key {
            BuildStamp(key: key, takenAt: takenAt, outputs: BuildStamp.outputs(settings), modules: report.modules,
                       pagesPerEdition: Dictionary(uniqueKeysWithValues: report.pagesPerEdition.map { ($0.rawValue, $1) }),
                       warnings: report.warnings, notices: report.notices).save(settings)
            clock.lap("stamp")
        }
        report.timings = clock.laps
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// One handout per module (`pdf/<module-id>.pdf`) and the whole curriculum (`pdf/manual.pdf`).
    static func pdfJobs(in folder: String, modules: [Module]) -> [PDFRenderer.Job] {
        let pdfFolder = join(folder, "pdf")
        // The manual first: it is the longest, so starting it first finishes the batch soonest.
        return [PDFRenderer.Job(page: join(folder, EditionRenderer.manualPath), pdf: join(pdfFolder, "manual.pdf"))]
            + modules.map { PDFRenderer.Job(page: join(folder, "modules/\($0.id).html"), pdf: join(pdfFolder, "\($0.id).pdf")) }
    }
}
