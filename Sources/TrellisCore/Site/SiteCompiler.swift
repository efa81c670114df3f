import Foundation

/// `trellis build`: load and check the curriculum, then write each requested edition
/// atomically into `<output>/<edition>/`.
public struct SiteCompiler: Sendable {
    public var curriculumDirectory: String
    public var themeDirectory: String
    public var outputDirectory: String
    public var editions: [Edition]
    public var today: CalendarDate

    public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                editions: [Edition], today: CalendarDate) {
        self.curriculumDirectory = curriculumDirectory
        self.themeDirectory = themeDirectory
        self.outputDirectory = outputDirectory
        self.editions = editions.sorted()
        self.today = today
    }

    public struct Report: Sendable {
        public var modules: Int
        public var pagesPerEdition: [Edition: Int]
        public var warnings: [Diagnostic]
        public var seconds: Double

        /// `Built 15 modules into _site (trainee: 52 pages, trainer: 53 pages) in 0.09 s`
        public func summary(output: String) -> String {
            let editions = pagesPerEdition.keys.sorted().map { "\($0.rawValue): \(pagesPerEdition[$0]!) pages" }
            let warningText = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
            return "Built \(modules) modules into \(output) (\(editions.joined(separator: ", "))) in \(String(format: "%.2f", seconds)) s\(warningText)"
        }
    }

    /// Builds the site; throws `DiagnosticList` when the curriculum or theme has errors
    /// (nothing is written), or `AtomicDirectory.WriteError` when the output cannot be written.
    public func build() throws -> Report {
        let start = Date()
        try checkOutputLocation()
        let (curriculum, loadDiagnostics) = CurriculumLoader(directory: curriculumDirectory, editions: Set(editions)).load()
        let diagnostics = loadDiagnostics + CurriculumChecker(today: today).check(curriculum)
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        let theme = try Theme.load(from: themeDirectory).get()

        var pages: [Edition: Int] = [:]
        for edition in editions {
            let files = SiteBuilder(curriculum: curriculum, theme: theme, edition: edition).files()
            try AtomicDirectory.replace(join(outputDirectory, edition.rawValue)) { folder in
                try SiteFileWriter.write(files, into: folder)
            }
            pages[edition] = files.filter { $0.path.hasSuffix(".html") }.count
        }
        return Report(modules: curriculum.modules.count, pagesPerEdition: pages,
                      warnings: diagnostics.warnings.sortedByLocation(), seconds: Date().timeIntervalSince(start))
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
