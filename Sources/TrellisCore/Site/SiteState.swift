import Foundation

/// The incremental build: what the site was last built from and what each output file was
/// made of, so a rebuild reads, checks and renders only what changed.
///
/// The dependency graph has three layers:
/// 1. **Sources** — every file a build reads (`curriculum.yml`, `competencies.yml`, each
///    module, each asset, each template and static file, Lunr) with its `stat` and the
///    SHA-256 of its bytes. A source whose size, times and inode are unchanged is not read
///    again; one modified within `racyWindow` of being read is hashed anyway, because a
///    second edit in the same clock tick would not change its modification time.
/// 2. **Parsed sources** — each module as parsed (front matter, body, HTML per edition) and
///    its own diagnostics, kept per file and re-parsed only when its digest changes. The
///    whole-curriculum check (links and anchors across modules, tracks, cycles) runs again
///    whenever any curriculum source changed, on the cached modules, so it reports exactly
///    what `trellis check` would.
/// 3. **Outputs** — for every file of every edition, the digest of exactly the inputs it was
///    made from (see `PageInputs`) and the `stat` of the file written. A file is rendered
///    and rewritten when its input digest changed, or when the file on disk is not the one
///    Trellis wrote; files no longer planned are removed.
///
/// `trellis build` keeps this state in a cache folder between runs (`SiteCache`);
/// `trellis serve` keeps it in memory and calls `update` after every change.
public struct SiteState: Sendable {
    /// What a state is for; a cache made with different settings is not used.
    public struct Settings: Sendable, Hashable {
        public var curriculumDirectory: String
        public var themeDirectory: String
        public var outputDirectory: String
        public var editions: [Edition]
        public var searchLibraryPath: String

        public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                    editions: [Edition], searchLibraryPath: String = SearchLibrary.debianPath) {
            self.curriculumDirectory = curriculumDirectory
            self.themeDirectory = themeDirectory
            self.outputDirectory = outputDirectory
            self.editions = Array(Set(editions)).sorted()
            self.searchLibraryPath = searchLibraryPath
        }

        /// The output folder is replaced or rewritten, so it must never be (or contain, or be
        /// inside) the curriculum or the theme.
        public func checkOutputLocation() throws(AtomicDirectory.WriteError) {
            func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
            let output = canonical(outputDirectory)
            for source in [curriculumDirectory, themeDirectory].map(canonical)
            where source == output || source.hasPrefix(output + "/") || output.hasPrefix(source + "/") {
                throw AtomicDirectory.WriteError(path: outputDirectory,
                                                 reason: "the output folder overlaps the sources in \(source); choose another --output")
            }
        }
    }

    /// What one rebuild did.
    public struct Outcome: Sendable {
        public var modules: Int
        public var pagesPerEdition: [Edition: Int]
        public var warnings: [Diagnostic]
        /// Lines to show besides diagnostics, e.g. that search is disabled.
        public var notices: [String]
        /// Files written (rendered or copied) and removed, per edition, relative to its folder.
        public var writtenFiles: [Edition: [String]]
        public var removedFiles: [Edition: [String]]
        /// Seconds spent in each step (scan, parse, check, plan, write…), in order.
        public var timings: [(step: String, seconds: Double)] = []

        /// `scan 6 ms, parse 4 ms, …`: what `TRELLIS_TIMINGS=1` prints.
        public static func describe(_ timings: [(step: String, seconds: Double)]) -> String {
            timings.map { "\($0.step) \(Int(($0.seconds * 1000).rounded())) ms" }.joined(separator: ", ")
        }

        /// True when nothing had to be rendered, written or removed.
        public var changedNothing: Bool {
            writtenFiles.values.allSatisfy(\.isEmpty) && removedFiles.values.allSatisfy(\.isEmpty)
        }

        public var filesWritten: Int { writtenFiles.values.reduce(0) { $0 + $1.count } }
    }

    struct SourceRecord: Sendable, Hashable {
        var status: FileStatus
        var digest: ContentDigest
        /// When the bytes were read and hashed (nanoseconds since 1970).
        var verifiedAt: Int64
    }

    struct ParsedModule: Sendable {
        var fileName: String
        /// Of the source file's bytes.
        var digest: ContentDigest
        var module: Module?
        var diagnostics: [Diagnostic]
        /// The module's digest for page inputs and checks (see `moduleDigest(fileName:source:)`).
        var identity: ContentDigest

        init(fileName: String, digest: ContentDigest, module: Module?, diagnostics: [Diagnostic]) {
            self.fileName = fileName
            self.digest = digest
            self.module = module
            self.diagnostics = diagnostics
            self.identity = SiteState.moduleDigest(fileName: fileName, source: digest)
        }
    }

    struct Parsed<Value: Sendable>: Sendable {
        var digest: ContentDigest?
        var value: Value
        var diagnostics: [Diagnostic]
    }

    struct OutputRecord: Sendable, Hashable {
        var inputs: ContentDigest
        var status: FileStatus
    }

    struct EditionRecord: Sendable {
        /// Digest of every source and option: when it is unchanged, so is every file's plan.
        var planKey: ContentDigest
        var files: [String: OutputRecord]
        var pages: Int
    }

    struct CheckRecord: Sendable {
        var key: ContentDigest
        var diagnostics: [Diagnostic]
        var modules: Int
    }

    /// Files modified less than this long before they were read are hashed again on the next
    /// build even if their `stat` looks the same (like Git's "racily clean" entries).
    static let racyWindow: Int64 = 2_000_000_000

    public let settings: Settings
    /// The sources the latest `update` found added, changed or removed (also when it threw).
    public private(set) var lastChangedSources: [String] = []
    var sources: [String: SourceRecord] = [:]
    /// Parsed modules by file name; nil while they are still in the cache file (`moduleStore`).
    var modules: [String: ParsedModule]? = [:]
    var moduleStore: SiteCache.ModuleStore?
    /// Set when `modules` changed since it was loaded or saved.
    var modulesChanged = false
    var manifest: Parsed<CurriculumManifest>?
    var framework: Parsed<CompetencyFramework>?
    var credentials: Parsed<[CredentialRule]>?
    var theme: (key: ContentDigest, theme: Theme)?
    var searchLibrary: (digest: ContentDigest?, library: SearchLibrary?)?
    /// Whether the last build had Lunr (kept in the cache for a build that changes nothing).
    var searchAvailable = false
    var check: CheckRecord?
    /// Each module's own check result (by file name) and the digest of everything it read.
    var moduleChecks: [String: (key: ModuleCheckKey, diagnostics: [Diagnostic])] = [:]
    /// What each version of a module (by module digest) refers to, for `moduleChecks` keys.
    var moduleReferences: [ContentDigest: ModuleReferences] = [:]
    var editions: [Edition: EditionRecord] = [:]
    /// Each module's share of `manual.html` and `search-index.js` from the last update, while
    /// `keepsRenderedFragments` is set.
    let fragments = RenderedFragments()
    /// Whether to keep each module's share of the whole-curriculum files for the next update,
    /// so that one edit redoes one module's share (`trellis serve`). A one-shot `trellis build`
    /// has no next update: it makes each share as the file is written and lets it go, and a
    /// large curriculum's shares (a hundred megabytes at 10,000 modules) are never all in memory.
    public var keepsRenderedFragments = true
    /// Whether freshly parsed modules' rendered text goes to a `ScratchTextFile` until it is
    /// written, when there are more than `largeCurriculum` of them: set by a one-shot
    /// `trellis build`, whose memory would otherwise grow with the curriculum's text.
    public var movesRenderedTextToScratch = false
    /// Up to this many modules, a clean build keeps everything in memory: each module's share
    /// of the whole-curriculum files is made at once (tens of megabytes at most) and those files
    /// are written in the pages' own parallel loop, and rendered text stays in memory. (Lowered
    /// by tests to build a small site the large way.)
    var largeCurriculum = 2_048

    public init(settings: Settings) {
        self.settings = settings
    }

    private var loader: CurriculumLoader {
        CurriculumLoader(directory: settings.curriculumDirectory, editions: Set(settings.editions))
    }

    // MARK: - Rebuilding

    /// Brings the output folder up to date with the sources.
    ///
    /// Throws `DiagnosticList` when the curriculum or theme has errors — nothing is written
    /// then, and the state still remembers the parsed files, so the fix rebuilds quickly — or
    /// `AtomicDirectory.WriteError` when a file cannot be written.
    ///
    /// - Parameters:
    ///   - clean: ignore what was built before and write each edition whole, into a temporary
    ///     folder swapped in when complete.
    ///   - deferring: files (paths within an edition) to write after all the others in an
    ///     incremental build. `trellis serve` defers the whole-curriculum files
    ///     (`manual.html`, `search-index.js`: megabytes each for a large curriculum).
    ///   - whenPrimaryFilesWritten: when given (by `trellis serve`, for a reader waiting), an
    ///     incremental build writes the pages of the modules whose files changed first, and
    ///     calls this with the outcome so far; then every other file but the deferred ones,
    ///     and calls it again; then the deferred files.
    ///   - beforeWriting: called once the sources have checked clean, before anything is
    ///     written (`--pdf` looks for Chromium there, so curriculum errors are reported first).
    ///   - whenChecked: called with the state once the sources are parsed and have checked
    ///     clean, before anything is written (`trellis build` starts saving the parsed modules
    ///     to its cache there, while the site is written).
    ///   - beforePublishing: called in a clean build with each edition's finished temporary
    ///     folder and the modules in reading order, before the folder is swapped in (`--pdf`
    ///     prints there, so a failed print leaves the previous site as it was).
    public mutating func update(today: CalendarDate, linksPDFHandouts: Bool = false, clean: Bool = false,
                                deferring: Set<String> = [], whenPrimaryFilesWritten: ((Outcome) -> Void)? = nil,
                                beforeWriting: (() throws -> Void)? = nil,
                                whenChecked: ((SiteState) -> Void)? = nil,
                                beforePublishing: ((Edition, String, [Module]) throws -> Void)? = nil) throws -> Outcome {
        var clock = Stopwatch()
        var scan = scanSources()
        let changed = refreshDigests(&scan)
        lastChangedSources = changed.sorted()
        let digests = sourceDigests()
        let checkKey = self.checkKey(today: today, curriculumSources: digests.curriculum)
        let planKeys = Dictionary(uniqueKeysWithValues: settings.editions.map {
            ($0, planKey(edition: $0, linksPDFHandouts: linksPDFHandouts, checkKey: checkKey, allSources: digests.all))
        })
        clock.lap("scan")

        if !clean, changed.isEmpty, let check, check.key == checkKey,
           settings.editions.allSatisfy({ edition in editions[edition].map { $0.planKey == planKeys[edition] && outputsAreIntact(edition, $0) } ?? false }) {
            clock.lap("verify")
            return Outcome(modules: check.modules,
                           pagesPerEdition: Dictionary(uniqueKeysWithValues: settings.editions.map { ($0, editions[$0]?.pages ?? 0) }),
                           warnings: check.diagnostics.warnings.sortedByLocation(), notices: notices(searchAvailable: searchAvailable),
                           writtenFiles: [:], removedFiles: [:], timings: clock.laps)
        }

        // The theme (templates parsed and compiled) is read while the modules are parsed.
        let themeKey = self.themeKey(scan)
        let themeDirectory = settings.themeDirectory
        let themeLoad = theme?.key == themeKey ? nil : BackgroundWork { Theme.load(from: themeDirectory) }
        let curriculum = parse(scan)
        scan.contents = [:]  // every source's bytes: parsed now, and megabytes for a large curriculum
        clock.lap("parse")
        let diagnostics: [Diagnostic]
        if let check, check.key == checkKey {
            diagnostics = check.diagnostics
        } else {
            diagnostics = runCheck(curriculum, today: today)
            check = CheckRecord(key: checkKey, diagnostics: diagnostics, modules: curriculum.curriculum.modules.count)
        }
        clock.lap("check")
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        let theme = try loadTheme(key: themeKey, loading: themeLoad)
        let library = loadSearchLibrary()
        let options = SiteOptions(searchLibrary: library, linksPDFHandouts: linksPDFHandouts)
        try beforeWriting?()
        whenChecked?(self)

        let moduleDigests = curriculum.moduleDigests
        var copyDigests: [String: ContentDigest] = [:]
        for path in scan.copiedSources { copyDigests[path] = sources[path]?.digest }
        let copies = copyDigests

        var outcome = Outcome(modules: curriculum.curriculum.modules.count, pagesPerEdition: [:],
                              warnings: diagnostics.warnings.sortedByLocation(), notices: notices(searchAvailable: library != nil),
                              writtenFiles: [:], removedFiles: [:])
        defer { fragments.endGeneration() }

        let clean = clean, outputDirectory = settings.outputDirectory, fragments = keepsRenderedFragments ? self.fragments : nil
        let builders = settings.editions.map { edition -> SiteBuilder in
            var builder = SiteBuilder(curriculum: curriculum.curriculum, theme: theme, edition: edition, options: options)
            builder.moduleDigests = moduleDigests
            builder.copyDigests = copies
            builder.fragments = fragments
            return builder
        }
        let contexts = builders.concurrentMap { $0.makeSharedContext() }

        // With a reader waiting (`trellis serve`), the pages of the modules just edited come
        // first: they need only their own digests, not the whole plan.
        if let whenPrimaryFilesWritten, !clean {
            let edited = Set(zip(curriculum.curriculum.modules, curriculum.moduleFiles)
                .filter { changed.contains(join(loader.modulesDirectory, $0.1.name)) }.map(\.0.id))
            var wroteAny = false
            for (builder, context) in zip(builders, contexts) where !edited.isEmpty {
                let edition = builder.edition
                let destination = join(outputDirectory, edition.rawValue)
                guard let previous = editions[edition], FileStatus.of(destination)?.kind == .directory else { continue }
                let stale = builder.planModulePages(edited, context).filter { file in
                    guard let record = previous.files[file.path], record.inputs == file.inputs else { return true }
                    return FileStatus.of(join(destination, file.path), followingLinks: false) != record.status
                }
                guard !stale.isEmpty else { continue }
                var records = previous.files
                editions[edition] = nil
                let plan = EditionPlan(edition: edition, builder: builder, context: context, planned: stale, destination: destination, pages: 0)
                let result = write(stale, plan, records: &records)
                editions[edition] = EditionRecord(planKey: previous.planKey, files: records, pages: previous.pages)
                outcome.writtenFiles[edition] = result.written
                wroteAny = wroteAny || !result.written.isEmpty
                if let failure = result.failure { throw failure }
            }
            clock.lap("write edited")
            if wroteAny {
                var first = outcome
                first.timings = clock.laps
                whenPrimaryFilesWritten(first)
            }
        }

        // Plan every edition before writing any (both at once: planning is mostly serial
        // work), so that the files a reader is waiting for can be written first in both.
        let previousRecords = editions
        let plans = Array(zip(builders, contexts)).concurrentMap { builder, context -> EditionPlan in
            let edition = builder.edition
            let planned = builder.plan(context)
            let destination = join(outputDirectory, edition.rawValue)
            var plan = EditionPlan(edition: edition, builder: builder, context: context, planned: planned, destination: destination,
                                   pages: planned.filter { $0.path.hasSuffix(".html") }.count)
            if let previous = previousRecords[edition], !clean, FileStatus.of(destination)?.kind == .directory {
                plan.incremental = IncrementalWrite(planned: planned, destination: destination, previous: previous)
            }
            return plan
        }
        var incremental: [EditionPlan] = []
        for plan in plans {
            outcome.pagesPerEdition[plan.edition] = plan.pages
            if plan.incremental != nil {
                incremental.append(plan)
                continue
            }
            // Forget the edition's record first: if writing fails part-way, the next build
            // compares with the files on disk rather than with a record that is no longer true.
            editions[plan.edition] = nil
            let records = try writeClean(plan.planned, builder: plan.builder, context: plan.context, to: plan.destination,
                                         edition: plan.edition, beforePublishing: beforePublishing)
            editions[plan.edition] = EditionRecord(planKey: planKeys[plan.edition]!, files: records, pages: plan.pages)
            outcome.writtenFiles[plan.edition] = plan.planned.map(\.path)
            outcome.removedFiles[plan.edition] = []
        }
        clock.lap("plan")

        for phase in [false, true] where !incremental.isEmpty {
            for index in incremental.indices {
                var plan = incremental[index]
                var job = plan.incremental!
                defer {
                    plan.incremental = job
                    incremental[index] = plan
                }
                let files = job.stale.filter { deferring.contains($0.path) == phase }
                editions[plan.edition] = nil
                let result = write(files, plan, records: &job.records)
                if job.written.isEmpty, !phase { job.written = outcome.writtenFiles[plan.edition] ?? [] }
                job.written += result.written
                if !phase { job.removed = removeUnplanned(plan.planned, job, in: plan.destination) }
                editions[plan.edition] = EditionRecord(planKey: phase ? planKeys[plan.edition]! : job.previous.planKey,
                                                       files: job.records, pages: plan.pages)
                outcome.writtenFiles[plan.edition] = job.written
                outcome.removedFiles[plan.edition] = job.removed
                if let failure = result.failure { throw failure }
            }
            clock.lap(phase ? "write deferred" : "write")
            if !phase, let whenPrimaryFilesWritten {
                var primary = outcome
                primary.timings = clock.laps
                whenPrimaryFilesWritten(primary)
            }
        }
        searchAvailable = library != nil
        outcome.timings = clock.laps
        return outcome
    }

    /// Gets a preview ready for the first edit: loads the parsed modules kept in the cache,
    /// checks every module, and renders each module's share of the whole-curriculum files,
    /// without writing anything. Otherwise the first save after `trellis serve` starts would
    /// wait for all of that. Does nothing when the sources have errors.
    public mutating func prepareForEdits(today: CalendarDate) {
        defer { fragments.endGeneration() }
        // Only what the last build read: a file changed since then is the next rebuild's to
        // notice and report, so it is neither hashed nor parsed here.
        var scan = scanSources()
        scan.moduleFiles = scan.moduleFiles.filter { sources[join(loader.modulesDirectory, $0)] != nil }
        scan.assets = scan.assets.filter { sources[join(settings.curriculumDirectory, $0)] != nil }
        scan.copiedSources = scan.copiedSources.filter { sources[$0] != nil }
        let digests = sourceDigests()
        let checkKey = self.checkKey(today: today, curriculumSources: digests.curriculum)
        let curriculum = parse(scan)
        let diagnostics = runCheck(curriculum, today: today)
        check = CheckRecord(key: checkKey, diagnostics: diagnostics, modules: curriculum.curriculum.modules.count)
        guard !diagnostics.hasErrors, let theme = try? loadTheme(key: themeKey(scan)) else { return }
        let options = SiteOptions(searchLibrary: loadSearchLibrary())
        let moduleDigests = curriculum.moduleDigests
        for edition in settings.editions {
            var builder = SiteBuilder(curriculum: curriculum.curriculum, theme: theme, edition: edition, options: options)
            builder.moduleDigests = moduleDigests
            builder.fragments = fragments
            builder.prepareFragments(builder.makeSharedContext())
        }
    }

    private func notices(searchAvailable: Bool) -> [String] {
        searchAvailable ? [] : [SearchLibrary.unavailableWarning(path: settings.searchLibraryPath)]
    }

    /// A module's identity for page digests: its file name and bytes (its path and the
    /// editions rendered are the same for the whole state).
    static func moduleDigest(fileName: String, source: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("module source")
        digest.add(fileName)
        digest.add(source)
        return digest.finish()
    }

    // MARK: - Sources

    struct SourceScan: Sendable {
        /// Every source file present, with its `stat`.
        var statuses: [String: FileStatus] = [:]
        var moduleFiles: [String] = []
        var assets: [String] = []
        /// Assets and theme static files: copied to the site as they are.
        var copiedSources: [String] = []
        /// Bytes read while hashing, by path, for parsing without reading twice.
        var contents: [String: Data] = [:]
    }

    private var templatesDirectory: String { join(settings.themeDirectory, "templates") }
    private var staticDirectory: String { join(settings.themeDirectory, "static") }

    private func templatePath(_ name: String) -> String { join(templatesDirectory, name + ".mustache") }

    /// Lists and stats every source file (the `stat`s on every core: a large curriculum has
    /// tens of thousands of files).
    private func scanSources() -> SourceScan {
        var scan = SourceScan()
        let loader = self.loader
        var paths: [String] = []
        func add(_ path: String) { paths.append(path) }
        add(loader.manifestPath)
        add(loader.frameworkPath)
        add(loader.credentialsPath)
        scan.moduleFiles = loader.moduleFileNames()
        for name in scan.moduleFiles { add(join(loader.modulesDirectory, name)) }
        scan.assets = loader.assetPaths()
        for asset in scan.assets {
            let path = join(settings.curriculumDirectory, asset)
            add(path)
            scan.copiedSources.append(path)
        }
        for name in Theme.requiredTemplates { add(templatePath(name)) }
        for file in listFilesRecursively(staticDirectory) {
            let path = join(staticDirectory, file)
            add(path)
            scan.copiedSources.append(path)
        }
        add(settings.searchLibraryPath)
        let statuses = paths.concurrentMap { FileStatus.of($0) }
        scan.statuses.reserveCapacity(paths.count)
        for (path, status) in zip(paths, statuses) where status?.kind == .regular { scan.statuses[path] = status }
        return scan
    }

    /// Hashes the sources whose `stat` changed (or that were read too soon after their last
    /// change to trust it); returns the paths added, removed or with new contents.
    private mutating func refreshDigests(_ scan: inout SourceScan) -> Set<String> {
        let now = FileStatus.now()
        var toRead: [String] = []
        for (path, status) in scan.statuses {
            if let old = sources[path], old.status == status, old.status.modified + Self.racyWindow < old.verifiedAt { continue }
            toRead.append(path)
        }
        let read = toRead.concurrentMap { path -> (path: String, data: Data?, digest: ContentDigest) in
            let data = FileManager.default.contents(atPath: path)
            return (path, data, data.map { ContentDigest.of($0) } ?? .zero)
        }
        var changed = Set(sources.keys.filter { scan.statuses[$0] == nil })
        var fresh = sources.filter { scan.statuses[$0.key] != nil }
        for (path, data, digest) in read {
            if sources[path]?.digest != digest { changed.insert(path) }
            fresh[path] = SourceRecord(status: scan.statuses[path]!, digest: digest, verifiedAt: now)
            if let data { scan.contents[path] = data }
        }
        sources = fresh
        return changed
    }

    /// A source's bytes: as read for hashing, or read now; nil when it does not exist.
    private func contents(of path: String, _ scan: SourceScan) -> Data? {
        if let data = scan.contents[path] { return data }
        return sources[path] == nil ? nil : FileManager.default.contents(atPath: path)
    }

    /// Digests of every source, and of the curriculum's sources alone (what the check reads).
    private func sourceDigests() -> (all: ContentDigest, curriculum: ContentDigest) {
        var all = DigestBuilder("sources"), curriculum = DigestBuilder("curriculum sources")
        let curriculumPrefix = settings.curriculumDirectory.hasSuffix("/") ? settings.curriculumDirectory : settings.curriculumDirectory + "/"
        for (path, record) in sources.sorted(by: { $0.key < $1.key }) {
            all.add(path)
            all.add(record.digest)
            if path.hasPrefix(curriculumPrefix) {
                curriculum.add(path)
                curriculum.add(record.digest)
            }
        }
        return (all.finish(), curriculum.finish())
    }

    /// Digest of everything the check reads: the curriculum's files and today's date.
    private func checkKey(today: CalendarDate, curriculumSources: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("check")
        digest.add(today.description)
        digest.add(curriculumSources)
        return digest.finish()
    }

    private func planKey(edition: Edition, linksPDFHandouts: Bool, checkKey: ContentDigest, allSources: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("plan")
        digest.add(edition.rawValue)
        digest.add(linksPDFHandouts)
        digest.add(checkKey)
        digest.add(allSources)
        return digest.finish()
    }

    // MARK: - Checking

    /// What a module's check reads from the rest of the curriculum, besides every module's
    /// and competency's id: the modules it links to (their headings) and the assets it uses.
    struct ModuleReferences: Sendable {
        var modules: [String]
        var assets: [String]
        /// Of the module's own heading anchors: what links *to* it are checked against.
        var anchors: ContentDigest

        init(_ module: Module) {
            var modules: Set<String> = [], assets: Set<String> = []
            for link in module.body.links {
                switch LinkTarget.resolve(link.url) {
                case .module(let id, _): modules.insert(id)
                case .asset(let path): assets.insert(path)
                default: break
                }
            }
            self.modules = modules.sorted()
            self.assets = assets.sorted()
            var digest = DigestBuilder("anchors")
            digest.add(module.body.anchors.sorted())
            self.anchors = digest.finish()
        }
    }

    /// What a module's own check read besides the module: compared, not hashed, because
    /// a thousand modules are compared on every rebuild.
    struct ModuleCheckKey: Sendable, Equatable {
        var context: ContentDigest
        var module: ContentDigest
        /// The anchors of each module linked to, in `ModuleReferences.modules` order (nil: no such module).
        var linkedAnchors: [ContentDigest?]
        /// Whether each asset used exists, in `ModuleReferences.assets` order.
        var assetsExist: [Bool]
    }

    /// Everything `trellis check` reports: the curriculum-wide checks run every time; each
    /// module's own checks run again only when the module, the ids of modules and
    /// competencies, the headings of the modules it links to, the assets it uses or the
    /// date changed.
    private mutating func runCheck(_ loaded: LoadedCurriculum, today: CalendarDate) -> [Diagnostic] {
        let curriculum = loaded.curriculum
        let checker = CurriculumChecker(today: today)
        // The whole-curriculum checks (ids, tracks, cycles) run beside the per-module ones.
        let wideCheck = BackgroundWork { checker.checkCurriculumWide(curriculum) }
        var context = DigestBuilder("check context")
        context.add(today.description)
        context.add(curriculum.directory)
        context.add(curriculum.modules.map(\.id))
        context.add(curriculum.framework.path)
        context.add(curriculum.framework.competencies.map(\.id))
        let contextDigest = context.finish()

        let files = loaded.moduleFiles
        var references: [ContentDigest: ModuleReferences] = [:]
        references.reserveCapacity(files.count)
        for file in files { references[file.identity] = moduleReferences[file.identity] }
        let missing = curriculum.modules.indices.filter { references[files[$0].identity] == nil }
        let found = missing.map { curriculum.modules[$0] }.concurrentMap { ModuleReferences($0) }
        for (index, value) in zip(missing, found) { references[files[index].identity] = value }
        moduleReferences = references

        var anchorsByID: [String: ContentDigest] = [:]
        for (module, file) in zip(curriculum.modules, files) where anchorsByID[module.id] == nil {
            anchorsByID[module.id] = references[file.identity]!.anchors
        }
        let directory = curriculum.directory
        let keys = files.concurrentMap { [references, anchorsByID] file -> ModuleCheckKey in
            let used = references[file.identity]!
            return ModuleCheckKey(context: contextDigest, module: file.identity,
                                  linkedAnchors: used.modules.map { anchorsByID[$0] },
                                  assetsExist: used.assets.map { FileManager.default.fileExists(atPath: join(directory, $0)) })
        }
        let stale = files.indices.filter { moduleChecks[files[$0].name]?.key != keys[$0] }
        let fresh = stale.map { curriculum.modules[$0] }.concurrentMap { checker.checkModule($0, in: curriculum) }
        var checks: [String: (key: ModuleCheckKey, diagnostics: [Diagnostic])] = [:]
        checks.reserveCapacity(files.count)
        for file in files { checks[file.name] = moduleChecks[file.name] }
        for (index, diagnostics) in zip(stale, fresh) { checks[files[index].name] = (keys[index], diagnostics) }
        moduleChecks = checks
        let wide = wideCheck.value
        return loaded.loadDiagnostics + wide.before + files.flatMap { checks[$0.name]?.diagnostics ?? [] } + wide.after
    }

    // MARK: - Parsing

    struct LoadedCurriculum {
        var curriculum: Curriculum
        /// In the order `CurriculumLoader.load()` reports them.
        var loadDiagnostics: [Diagnostic]
        /// For each of `curriculum.modules`, in the same order: its file name and digest.
        var moduleFiles: [(name: String, identity: ContentDigest)]

        /// Module digests by id, for `SiteBuilder.moduleDigests`.
        var moduleDigests: [String: ContentDigest] {
            var digests: [String: ContentDigest] = [:]
            for (module, file) in zip(curriculum.modules, moduleFiles) where digests[module.id] == nil { digests[module.id] = file.identity }
            return digests
        }
    }

    /// The curriculum from the cached parses of unchanged files and fresh parses of the rest.
    private mutating func parse(_ scan: SourceScan) -> LoadedCurriculum {
        let loader = self.loader
        loadModulesFromStore()
        var diagnostics: [Diagnostic] = []

        // `curriculum.yml` and `competencies.yml` are read while the modules are parsed (a large
        // curriculum's track list is tens of milliseconds of YAML on one core).
        let manifestDigest = sources[loader.manifestPath]?.digest
        var manifestWork: BackgroundWork<Parsed<CurriculumManifest>>?
        if manifest == nil || manifest?.digest != manifestDigest {
            let text = contents(of: loader.manifestPath, scan)  // nil when the file is missing, which parsing reports
            manifestWork = BackgroundWork {
                var found: [Diagnostic] = []
                let value = loader.parseManifest(text, diagnostics: &found)
                return Parsed(digest: manifestDigest, value: value, diagnostics: found)
            }
        }
        let frameworkDigest = sources[loader.frameworkPath]?.digest
        var frameworkWork: BackgroundWork<Parsed<CompetencyFramework>>?
        if framework == nil || framework?.digest != frameworkDigest {
            let text = contents(of: loader.frameworkPath, scan)
            frameworkWork = BackgroundWork {
                var found: [Diagnostic] = []
                let value = loader.parseFramework(text, diagnostics: &found)
                return Parsed(digest: frameworkDigest, value: value, diagnostics: found)
            }
        }

        var parsedModules = modules ?? [:]
        let stale = scan.moduleFiles.filter { name in
            parsedModules[name]?.digest != sources[join(loader.modulesDirectory, name)]?.digest
        }
        let state = self
        let scratch = movesRenderedTextToScratch && stale.count > largeCurriculum ? makeScratchFile() : nil
        let fresh = stale.concurrentMap { name -> (String, ParsedModule) in
            let path = join(loader.modulesDirectory, name)
            var (module, found) = loader.parseModule(state.contents(of: path, scan), fileName: name)
            if let scratch { module?.body.moveRenderedText(to: scratch) }
            return (name, ParsedModule(fileName: name, digest: state.sources[path]?.digest ?? .zero, module: module, diagnostics: found))
        }
        for (name, parsed) in fresh { parsedModules[name] = parsed }
        let present = Set(scan.moduleFiles)
        if parsedModules.count != present.count { parsedModules = parsedModules.filter { present.contains($0.key) } }
        if !fresh.isEmpty || parsedModules.count != (modules?.count ?? 0) { modulesChanged = true }
        modules = parsedModules

        if let manifestWork { manifest = manifestWork.value }
        diagnostics += manifest!.diagnostics
        if let frameworkWork { framework = frameworkWork.value }
        diagnostics += framework!.diagnostics
        if scan.moduleFiles.isEmpty { diagnostics.append(loader.noModulesDiagnostic) }
        var moduleList: [Module] = []
        var moduleFiles: [(name: String, identity: ContentDigest)] = []
        for name in scan.moduleFiles {
            guard let parsed = parsedModules[name] else { continue }
            if let module = parsed.module {
                moduleList.append(module)
                moduleFiles.append((name, parsed.identity))
            }
            diagnostics += parsed.diagnostics
        }
        var curriculum = Curriculum(directory: settings.curriculumDirectory, manifest: manifest!.value, framework: framework!.value,
                                    modules: moduleList, assets: scan.assets)
        let credentialsDigest = sources[loader.credentialsPath]?.digest
        if let credentialsDigest {
            if credentials == nil || credentials?.digest != credentialsDigest {
                var found: [Diagnostic] = []
                let value = loader.parseCredentials(contents(of: loader.credentialsPath, scan), diagnostics: &found)
                credentials = Parsed(digest: credentialsDigest, value: value, diagnostics: found)
            }
            curriculum.credentials = credentials!.value
            diagnostics += credentials!.diagnostics
        } else {
            credentials = nil
        }
        return LoadedCurriculum(curriculum: curriculum, loadDiagnostics: diagnostics, moduleFiles: moduleFiles)
    }

    /// A scratch file beside the output (whose disk takes the site anyway), else in the
    /// temporary folder; nil when neither can be written.
    private func makeScratchFile() -> ScratchTextFile? {
        let output = URL(fileURLWithPath: settings.outputDirectory).standardizedFileURL
        return [output.path, output.deletingLastPathComponent().path, NSTemporaryDirectory()].lazy.compactMap { ScratchTextFile(directory: $0) }.first
    }

    private mutating func loadModulesFromStore() {
        guard modules == nil else { return }
        modules = moduleStore.flatMap { SiteCache.loadModules(from: $0) } ?? [:]
        moduleStore = nil
    }

    /// Digest of the templates and the list of static files: when unchanged, so is the theme.
    private func themeKey(_ scan: SourceScan) -> ContentDigest {
        var key = DigestBuilder("theme")
        for name in Theme.requiredTemplates { digestSource(templatePath(name), into: &key) }
        for path in scan.copiedSources where path.hasPrefix(staticDirectory + "/") { key.add(path) }
        return key.finish()
    }

    /// The theme for `key`: the one already loaded, the one `loading` reads, or read now.
    private mutating func loadTheme(key: ContentDigest, loading: BackgroundWork<Result<Theme, DiagnosticList>>? = nil) throws(DiagnosticList) -> Theme {
        if let theme, theme.key == key { return theme.theme }
        let loaded = try (loading?.value ?? Theme.load(from: settings.themeDirectory)).get()
        theme = (key, loaded)
        return loaded
    }

    private func digestSource(_ path: String, into digest: inout DigestBuilder) {
        digest.add(path)
        if let source = sources[path] { digest.add(source.digest) } else { digest.add(false) }
    }

    private mutating func loadSearchLibrary() -> SearchLibrary? {
        let digest = sources[settings.searchLibraryPath]?.digest
        if let searchLibrary, searchLibrary.digest == digest { return searchLibrary.library }
        let library = digest == nil ? nil : SearchLibrary.load(from: settings.searchLibraryPath)
        searchLibrary = (digest, library)
        return library
    }

    // MARK: - Writing

    /// True when the edition's folder holds exactly the files recorded, each as written.
    private func outputsAreIntact(_ edition: Edition, _ record: EditionRecord) -> Bool {
        let tree = FileTree.walk(join(settings.outputDirectory, edition.rawValue))
        guard tree.files.count == record.files.count else { return false }
        for (path, output) in record.files where tree.files[path] != output.status { return false }
        return true
    }

    /// Writes the whole edition into a temporary folder and swaps it in.
    private func writeClean(_ planned: [PlannedFile], builder: SiteBuilder, context: SharedContext, to destination: String,
                            edition: Edition, beforePublishing: ((Edition, String, [Module]) throws -> Void)?) throws -> [String: OutputRecord] {
        // A small curriculum's module shares of the whole-curriculum files are made first, on
        // every core, and those files written with the pages; a large one's are made and
        // written a batch at a time on a thread beside the pages, so they are never all in memory.
        var builder = builder, serially = Self.wholeCurriculumFiles(planned)
        if context.ordered.count <= largeCurriculum {
            if builder.fragments == nil { builder.fragments = RenderedFragments() }
            builder.prepareFragments(context)
            serially = []
        }
        var statuses: [FileStatus?] = []
        try AtomicDirectory.replace(destination) { [builder] folder in
            statuses = try SiteFileWriter.write(planned.map(\.path), into: folder, serially: serially) {
                try builder.write(planned[$0], context, to: $1, atomically: false)
            }
            try beforePublishing?(edition, folder, context.ordered)
        }
        var records: [String: OutputRecord] = [:]
        for (file, status) in zip(planned, statuses) {
            if let status { records[file.path] = OutputRecord(inputs: file.inputs, status: status) }
        }
        return records
    }

    /// The positions of `manual.html` and `search-index.js` among `files`.
    private static func wholeCurriculumFiles(_ files: [PlannedFile]) -> Set<Int> {
        Set(files.indices.filter { if case .page(let page) = files[$0].source { SiteBuilder.isWholeCurriculum(page) } else { false } })
    }

    /// One edition's planned files, and how they will be written.
    private struct EditionPlan: Sendable {
        var edition: Edition
        var builder: SiteBuilder
        var context: SharedContext
        var planned: [PlannedFile]
        var destination: String
        var pages: Int
        /// Set when the edition is updated in place rather than written whole.
        var incremental: IncrementalWrite?
    }

    /// One edition updated in place: the files to rewrite are those whose inputs changed or
    /// that are not as written; files no longer planned are removed.
    private struct IncrementalWrite: Sendable {
        var previous: EditionRecord
        var tree: (files: [String: FileStatus], directories: [String])
        var stale: [PlannedFile]
        var records: [String: OutputRecord]
        var written: [String] = []
        var removed: [String] = []

        init(planned: [PlannedFile], destination: String, previous: EditionRecord) {
            self.previous = previous
            tree = FileTree.walk(destination)
            let tree = self.tree
            stale = planned.filter { file in
                guard let record = previous.files[file.path], record.inputs == file.inputs,
                      let status = tree.files[file.path], status == record.status else { return true }
                return false
            }
            // Until a file is rewritten, its record stays as it was: a build that stops part-way
            // leaves records that still describe the files on disk.
            let plannedPaths = Set(planned.map(\.path))
            records = previous.files.filter { plannedPaths.contains($0.key) }
        }
    }

    /// Renders and writes `files`, each to a temporary file renamed into place; records each
    /// file written. Returns the paths written and the first failure, if any.
    private func write(_ files: [PlannedFile], _ plan: EditionPlan,
                       records: inout [String: OutputRecord]) -> (written: [String], failure: AtomicDirectory.WriteError?) {
        let destination = plan.destination, builder = plan.builder, context = plan.context
        do {
            try SiteFileWriter.createDirectories(for: files.map(\.path), in: destination)
        } catch {
            return ([], error)
        }
        let results = SiteFileWriter.writeEach(files.map(\.path), into: destination, serially: Self.wholeCurriculumFiles(files)) {
            try builder.write(files[$0], context, to: $1, atomically: true)
        }
        var written: [String] = []
        var failure: AtomicDirectory.WriteError?
        for (file, result) in zip(files, results) {
            if let status = result.status {
                records[file.path] = OutputRecord(inputs: file.inputs, status: status)
                written.append(file.path)
            } else {
                records[file.path] = nil
                failure = failure ?? result.failure
            }
        }
        return (written, failure)
    }

    /// Removes the files a clean build would not write, and folders left empty.
    private func removeUnplanned(_ planned: [PlannedFile], _ job: IncrementalWrite, in destination: String) -> [String] {
        let plannedPaths = Set(planned.map(\.path))
        let removed = job.tree.files.keys.filter { !plannedPaths.contains($0) }.sorted()
        for path in removed { try? FileManager.default.removeItem(atPath: join(destination, path)) }
        // Deepest first, so a folder whose only content was an empty folder goes too.
        for directory in job.tree.directories.sorted(by: { $0.count > $1.count }) {
            let path = join(destination, directory)
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { try? FileManager.default.removeItem(atPath: path) }
        }
        return removed
    }
}

/// Times the steps of a build, for `Outcome.timings`.
struct Stopwatch {
    private var last = Date()
    private(set) var laps: [(step: String, seconds: Double)] = []

    mutating func lap(_ step: String) {
        let now = Date()
        laps.append((step, now.timeIntervalSince(last)))
        last = now
    }
}
