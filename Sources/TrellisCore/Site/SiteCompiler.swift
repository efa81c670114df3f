import Foundation

/// `trellis build`: load and check the curriculum, then write each requested edition
/// atomically into `<output>/<edition>/`.
public struct SiteCompiler: Sendable {
    public var curriculumDirectory: String
    public var themeDirectory: String
    public var outputDirectory: String
    public var editions: [Edition]
    public var today: CalendarDate
    /// Where to read Lunr from; when it is missing the site is built without search.
    public var searchLibraryPath: String
    /// Also print each module and the whole curriculum to `<edition>/pdf/` (needs Chromium).
    public var makesPDFs: Bool
    /// Also write `<output>/<edition>.zip`.
    public var makesZips: Bool
    /// Where Chromium is looked for (`PATH`, `TRELLIS_CHROMIUM`) when `makesPDFs` is set.
    public var environment: [String: String]
    /// Where the incremental build keeps what it built (see `SiteCache`); nil to keep nothing,
    /// so every build is a clean one.
    public var cacheDirectory: String?
    /// Ignore the cache: write every file of each edition into a new folder and swap it in.
    public var clean: Bool
    /// False for the command line, which exits as soon as the build returns: the build's state
    /// (every module as parsed, hundreds of thousands of small objects for a large curriculum)
    /// is then left for the process's exit to reclaim at once rather than freed one object at a
    /// time on one core, as compilers do (clang's `-disable-free`).
    public var freesStateOnReturn = true

    public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                editions: [Edition], today: CalendarDate, searchLibraryPath: String = SearchLibrary.debianPath,
                makesPDFs: Bool = false, makesZips: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                cacheDirectory: String? = nil, clean: Bool = false) {
        self.curriculumDirectory = curriculumDirectory
        self.themeDirectory = themeDirectory
        self.outputDirectory = outputDirectory
        self.editions = editions.sorted()
        self.today = today
        self.searchLibraryPath = searchLibraryPath
        self.makesPDFs = makesPDFs
        self.makesZips = makesZips
        self.environment = environment
        self.cacheDirectory = cacheDirectory
        self.clean = clean
    }

    public var settings: SiteState.Settings {
        SiteState.Settings(curriculumDirectory: curriculumDirectory, themeDirectory: themeDirectory, outputDirectory: outputDirectory,
                           editions: editions, searchLibraryPath: searchLibraryPath)
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
        /// How many files were written (rendered or copied) and removed: all of them in a clean build.
        public var filesWritten = 0
        public var filesRemoved = 0
        /// Seconds spent in each step of the build, in order (shown with `TRELLIS_TIMINGS=1`).
        public var timings: [(step: String, seconds: Double)] = []

        /// `Built 15 modules into _site (trainee: 52 pages, trainer: 53 pages) in 0.09 s`
        public func summary(output: String) -> String {
            let editions = pagesPerEdition.keys.sorted().map { "\($0.rawValue): \(pagesPerEdition[$0]!) pages" }
            let warningText = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
            return "Built \(modules) modules into \(output) (\(editions.joined(separator: ", "))) in \(String(format: "%.2f", seconds)) s\(warningText)"
        }
    }

    /// Builds the site; throws `DiagnosticList` when the curriculum or theme has errors
    /// (nothing is written), `AtomicDirectory.WriteError` when the output cannot be written, or
    /// `PDFRenderer.RenderError` when `--pdf` cannot print (the previous site is kept).
    ///
    /// With a cache, only the files whose inputs changed are rewritten, each by writing a
    /// temporary file and renaming it; the result is byte for byte what a clean build writes.
    /// A `--pdf` build is always clean: PDFs are printed from the finished pages before they
    /// are swapped in, and are not deterministic.
    public func build() throws -> Report {
        let start = Date()
        try settings.checkOutputLocation()
        let isClean = clean || makesPDFs
        var state = (isClean ? nil : cacheDirectory.flatMap { SiteCache.load(settings, from: $0) }) ?? SiteState(settings: settings)
        state.keepsRenderedFragments = false
        state.movesRenderedTextToScratch = true
        var pdfRenderer: PDFRenderer?
        let environment = self.environment, makesPDFs = self.makesPDFs, cacheDirectory = self.cacheDirectory
        var pendingModules: SiteCache.PendingModules?
        let outcome: SiteState.Outcome
        do {
            outcome = try state.update(
                today: today, linksPDFHandouts: makesPDFs, clean: isClean,
                beforeWriting: {
                    // Before writing anything, so a missing Chromium leaves the previous site as it was.
                    if makesPDFs { pdfRenderer = try PDFRenderer.locate(environment: environment) }
                },
                whenChecked: { checked in
                    pendingModules = cacheDirectory.flatMap { SiteCache.startSavingModules(of: checked, to: $0) }
                },
                beforePublishing: { _, folder, modules in
                    if let pdfRenderer { try pdfRenderer.render(Self.pdfJobs(in: folder, modules: modules)) }
                })
        } catch {
            pendingModules?.wait()  // no half-written file left in the cache folder
            throw error
        }
        var notices = outcome.notices
        var timings = outcome.timings
        var clock = Stopwatch()
        if let cacheDirectory {
            do {
                try SiteCache.save(&state, to: cacheDirectory, modules: pendingModules)
            } catch {
                notices.append("warning: could not save the build cache: \(error) — the next build will write every file again")
            }
            clock.lap("save cache")
        }
        if !freesStateOnReturn { StateLeftForExit.keep(state) }
        var extraFiles: [String] = []
        for edition in editions {
            let destination = join(outputDirectory, edition.rawValue)
            if makesPDFs { extraFiles.append(join(destination, "pdf/")) }
            if makesZips {
                let zip = join(outputDirectory, edition.rawValue + ".zip")
                let temporary = SiteArchive.temporaryPath(for: zip)
                try SiteArchive.write(folder: destination, rootName: edition.rawValue, to: temporary)
                try SiteArchive.publish(temporary, as: zip)
                extraFiles.append(zip)
            }
        }
        if makesZips { clock.lap("zip") }
        timings += clock.laps
        return Report(modules: outcome.modules, pagesPerEdition: outcome.pagesPerEdition,
                      warnings: outcome.warnings, seconds: Date().timeIntervalSince(start),
                      notices: notices, extraFiles: extraFiles, filesWritten: outcome.filesWritten,
                      filesRemoved: outcome.removedFiles.values.reduce(0) { $0 + $1.count }, timings: timings)
    }

    /// One handout per module (`pdf/<module-id>.pdf`) and the whole curriculum (`pdf/manual.pdf`).
    static func pdfJobs(in folder: String, modules: [Module]) -> [PDFRenderer.Job] {
        let pdfFolder = join(folder, "pdf")
        // The manual first: it is the longest, so starting it first finishes the batch soonest.
        return [PDFRenderer.Job(page: join(folder, SiteBuilder.manualPath), pdf: join(pdfFolder, "manual.pdf"))]
            + modules.map { PDFRenderer.Job(page: join(folder, "modules/\($0.id).html"), pdf: join(pdfFolder, "\($0.id).pdf")) }
    }
}

/// Holds what a one-shot command leaves for the process's exit to reclaim (`freesStateOnReturn`).
private enum StateLeftForExit {
    private final class Box: @unchecked Sendable {
        let value: SiteState
        init(_ value: SiteState) { self.value = value }
    }

    static func keep(_ state: SiteState) {
        _ = Unmanaged.passRetained(Box(state))
    }
}

/// Writes a site's files into a folder, in parallel.
enum SiteFileWriter {
    static func write(_ files: [SiteFile], into folder: String) throws {
        _ = try write(files.map(\.path), into: folder) { index, destination in try files[index].content.write(to: destination, atomically: false) }
    }

    /// Writes the file at each of `paths` by `write(index, destination)`, each rendered just
    /// before it is written: rendering and writing overlap, and only the pages in flight are
    /// in memory, not the whole site. Returns each file's `lstat` once written (for the
    /// incremental build's records), taken on the core that wrote it; throws one error naming
    /// the first file that failed and how many others did.
    static func write(_ paths: [String], into folder: String, serially: Set<Int> = [],
                      by write: @escaping @Sendable (Int, String) throws -> Void) throws(AtomicDirectory.WriteError) -> [FileStatus?] {
        try createDirectories(for: paths, in: folder)
        let results = writeEach(paths, into: folder, serially: serially, by: write)
        let failures = results.compactMap(\.failure)
        if let first = failures.first {
            throw AtomicDirectory.WriteError(path: folder, reason: "\(first.path): \(first.reason)" + (failures.count > 1 ? " (and \(failures.count - 1) more)" : ""))
        }
        return results.map(\.status)
    }

    /// Creates the folders that `paths` are in, below `folder`.
    static func createDirectories(for paths: [String], in folder: String) throws(AtomicDirectory.WriteError) {
        let directories = Set(paths.map { ($0 as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }
        for directory in directories.sorted() where FileStatus.of(join(folder, directory))?.kind != .directory {
            do {
                try FileManager.default.createDirectory(atPath: join(folder, directory), withIntermediateDirectories: true)
            } catch {
                throw AtomicDirectory.WriteError(path: join(folder, directory), reason: error.localizedDescription)
            }
        }
    }

    /// Writes each file (its folder must exist) and reports its `lstat` or failure. The files
    /// at the indices in `serially` (a large curriculum's whole-curriculum files, each made on
    /// every core itself) are written one after another on a thread of their own, beside the
    /// parallel loop that writes the others: inside that loop, each would be made on one core.
    static func writeEach(_ paths: [String], into folder: String, serially: Set<Int> = [],
                          by write: @escaping @Sendable (Int, String) throws -> Void) -> [(status: FileStatus?, failure: AtomicDirectory.WriteError?)] {
        @Sendable func writeOne(_ index: Int) -> (status: FileStatus?, failure: AtomicDirectory.WriteError?) {
            let destination = join(folder, paths[index])
            do {
                try write(index, destination)
                guard let status = FileStatus.of(destination, followingLinks: false) else {
                    return (nil, AtomicDirectory.WriteError(path: destination, reason: "the file vanished after it was written"))
                }
                return (status, nil)
            } catch let error as AtomicDirectory.WriteError {
                return (nil, AtomicDirectory.WriteError(path: destination, reason: error.reason))
            } catch {
                return (nil, AtomicDirectory.WriteError(path: destination, reason: error.localizedDescription))
            }
        }
        let serial = serially.isEmpty ? nil : BackgroundWork(ownThread: true) { serially.sorted().map { ($0, writeOne($0)) } }
        var results = Array(paths.indices).filter { !serially.contains($0) }.concurrentMap { ($0, writeOne($0)) }
        results += serial?.value ?? []
        var byIndex = Array<(status: FileStatus?, failure: AtomicDirectory.WriteError?)>(repeating: (nil, nil), count: paths.count)
        for (index, result) in results { byIndex[index] = result }
        return byIndex
    }
}

extension SiteFile.Content {
    /// Writes this file's content to `path`; `atomically` writes a temporary file beside it and
    /// renames it into place (the incremental build, with a preview server reading the folder).
    func write(to path: String, atomically: Bool) throws {
        let pieces: [String]
        switch self {
        case .copy(let source):
            if atomically { try FileTree.copyAtomically(from: source, to: path) } else { try FileManager.default.copyItem(atPath: source, toPath: path) }
            return
        case .text(let text): pieces = [text]
        case .pieces(let all): pieces = all
        }
        let produce = { (descriptor: Int32) in FileTree.writeAll(pieces, to: descriptor) }
        if atomically { try FileTree.writeAtomically(to: path, by: produce) } else { try FileTree.write(to: path, by: produce) }
    }
}
