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
    public internal(set) var lastChangedSources: [String] = []
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

    var loader: CurriculumLoader {
        CurriculumLoader(directory: settings.curriculumDirectory, editions: Set(settings.editions))
    }
}
