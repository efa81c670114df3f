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

    public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                editions: [Edition], today: CalendarDate, searchLibraryPath: String = SearchLibrary.debianPath,
                makesPDFs: Bool = false, makesZips: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.curriculumDirectory = curriculumDirectory
        self.themeDirectory = themeDirectory
        self.outputDirectory = outputDirectory
        self.editions = editions.sorted()
        self.today = today
        self.searchLibraryPath = searchLibraryPath
        self.makesPDFs = makesPDFs
        self.makesZips = makesZips
        self.environment = environment
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
    public func build() throws -> Report {
        let start = Date()
        try checkOutputLocation()
        let (curriculum, loadDiagnostics) = CurriculumLoader(directory: curriculumDirectory, editions: Set(editions)).load()
        let diagnostics = loadDiagnostics + CurriculumChecker(today: today).check(curriculum)
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        let theme = try Theme.load(from: themeDirectory).get()
        // Before writing anything, so a missing Chromium leaves the previous site as it was.
        let pdfRenderer = makesPDFs ? try PDFRenderer.locate(environment: environment) : nil
        let searchLibrary = SearchLibrary.load(from: searchLibraryPath)
        let options = SiteOptions(searchLibrary: searchLibrary, linksPDFHandouts: makesPDFs)

        var pages: [Edition: Int] = [:]
        var extraFiles: [String] = []
        for edition in editions {
            let files = SiteBuilder(curriculum: curriculum, theme: theme, edition: edition, options: options).files()
            let destination = join(outputDirectory, edition.rawValue)
            let zip = join(outputDirectory, edition.rawValue + ".zip")
            var unpublishedZip: String?
            do {
                try AtomicDirectory.replace(destination) { folder in
                    try SiteFileWriter.write(files, into: folder)
                    if let pdfRenderer {
                        try pdfRenderer.render(Self.pdfJobs(in: folder, modules: curriculum.modulesInTrackOrder))
                    }
                    if makesZips {
                        let temporary = SiteArchive.temporaryPath(for: zip)
                        try SiteArchive.write(folder: folder, rootName: edition.rawValue, to: temporary)
                        unpublishedZip = temporary
                    }
                }
                if let unpublishedZip { try SiteArchive.publish(unpublishedZip, as: zip) }
            } catch {
                if let unpublishedZip { try? FileManager.default.removeItem(atPath: unpublishedZip) }
                throw error
            }
            pages[edition] = files.filter { $0.path.hasSuffix(".html") }.count
            if makesPDFs { extraFiles.append(join(destination, "pdf/")) }
            if makesZips { extraFiles.append(zip) }
        }
        return Report(modules: curriculum.modules.count, pagesPerEdition: pages,
                      warnings: diagnostics.warnings.sortedByLocation(), seconds: Date().timeIntervalSince(start),
                      notices: searchLibrary == nil ? [SearchLibrary.unavailableWarning(path: searchLibraryPath)] : [],
                      extraFiles: extraFiles)
    }

    /// One handout per module (`pdf/<module-id>.pdf`) and the whole curriculum (`pdf/manual.pdf`).
    static func pdfJobs(in folder: String, modules: [Module]) -> [PDFRenderer.Job] {
        let pdfFolder = join(folder, "pdf")
        // The manual first: it is the longest, so starting it first finishes the batch soonest.
        return [PDFRenderer.Job(page: join(folder, SiteBuilder.manualPath), pdf: join(pdfFolder, "manual.pdf"))]
            + modules.map { PDFRenderer.Job(page: join(folder, "modules/\($0.id).html"), pdf: join(pdfFolder, "\($0.id).pdf")) }
    }

    /// The output folder is replaced wholesale, so it must never be (or contain) the sources.
    private func checkOutputLocation() throws {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let output = canonical(outputDirectory), curriculum = canonical(curriculumDirectory), theme = canonical(themeDirectory)
        for source in [curriculum, theme] where source == output || source.hasPrefix(output + "/") || output.hasPrefix(source + "/") {
            throw AtomicDirectory.WriteError(path: outputDirectory,
                                             reason: "the output folder overlaps the sources in \(source); choose another --output")
        }
    }
}

/// Writes a site's files into a folder, in parallel.
enum SiteFileWriter {
    static func write(_ files: [SiteFile], into folder: String) throws {
        let directories = Set(files.map { ($0.path as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }.sorted()
        for directory in directories {
            try FileManager.default.createDirectory(atPath: join(folder, directory), withIntermediateDirectories: true)
        }
        let failures = files.concurrentMap { file -> String? in
            let destination = join(folder, file.path)
            do {
                switch file.content {
                case .text(let text):
                    try Data(text.utf8).write(to: URL(fileURLWithPath: destination))
                case .copy(let source):
                    try FileManager.default.copyItem(atPath: source, toPath: destination)
                }
                return nil
            } catch {
                return "\(destination): \(error.localizedDescription)"
            }
        }.compactMap { $0 }
        if let first = failures.first {
            throw AtomicDirectory.WriteError(path: folder, reason: first + (failures.count > 1 ? " (and \(failures.count - 1) more)" : ""))
        }
    }
}
