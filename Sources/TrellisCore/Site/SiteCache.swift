import Foundation

/// Keeps the incremental build's state (`SiteState`) on disk between runs of `trellis build`
/// (and between `trellis serve` sessions), outside the output folder.
///
/// Where: `$XDG_CACHE_HOME/trellis/` (usually `~/.cache/trellis/`), one folder per curriculum
/// and output folder, named after the output and a digest of both absolute paths. Not beside
/// the output, which may be a web server's folder (the cache holds module text and, for the
/// trainer edition, trainer notes); not beside the curriculum, which is in the repository and
/// would collect a folder for every temporary output a test or CI run builds.
///
/// Two files: `index.bin` (small: each source's `stat` and digest, each output file's input
/// digest and `stat`, the last check's warnings) is read by every build; `modules.bin` (each
/// module as parsed, with its HTML) only by a build that has something to redo. Each module's
/// share of `manual.html` and `search-index.js` is not kept: it is remade from `modules.bin`
/// (about as quick as reading it back, and writing it cost every build a file as large as
/// `modules.bin`). Each is written to a temporary file and renamed, `index.bin` last; it
/// names the `modules.bin` it goes with. A
/// missing, damaged or mismatched cache means a clean build — never a wrong one. Deleting the
/// folder is always safe.
public enum SiteCache {
    /// A `modules.bin` and the token that `index.bin` expects it to carry.
    struct ModuleStore: Sendable {
        var path: String
        var token: UInt64
    }

    private static let indexMagic = "TRELLIS-SITE-INDEX"
    private static let modulesMagic = "TRELLIS-SITE-MODULES"
    /// Bump when the format, or what a digest covers, changes.
    private static let formatVersion = 4

    /// The default cache folder for building `curriculumDirectory` into `outputDirectory`:
    /// below `$XDG_CACHE_HOME`, else `~/.cache`, else the temporary folder.
    public static func defaultDirectory(curriculumDirectory: String, outputDirectory: String,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let curriculum = URL(fileURLWithPath: curriculumDirectory).standardizedFileURL.path
        let output = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        var key = DigestBuilder("cache folder")
        key.add(curriculum)
        key.add(output.path)
        let digest = String(key.finish().description.prefix(12))
        let base: String
        if let cacheHome = environment["XDG_CACHE_HOME"], cacheHome.hasPrefix("/") {
            base = cacheHome
        } else if let home = environment["HOME"], !home.isEmpty {
            base = join(home, ".cache")
        } else {
            base = NSTemporaryDirectory()
        }
        return join(join(base, "trellis"), "\(output.lastPathComponent)-\(digest)")
    }

    /// The state saved in `directory` for these settings; nil when there is none that fits.
    public static func load(_ settings: SiteState.Settings, from directory: String) -> SiteState? {
        guard let data = FileManager.default.contents(atPath: join(directory, "index.bin")) else { return nil }
        var reader = CacheReader(data)
        do {
            guard try reader.readString() == indexMagic, try reader.readInt() == formatVersion else { return nil }
            let saved = SiteState.Settings(curriculumDirectory: try reader.readString(), themeDirectory: try reader.readString(),
                                           outputDirectory: try reader.readString(),
                                           editions: try reader.readStrings().compactMap(Edition.init(rawValue:)),
                                           searchLibraryPath: try reader.readString())
            guard saved == settings else { return nil }
            var state = SiteState(settings: settings)
            for (path, record) in try reader.readArray({ reader throws(CacheReader.Damaged) in
                (try reader.readString(), SiteState.SourceRecord(status: try reader.readStatus(), digest: try reader.readDigest(),
                                                                 verifiedAt: try reader.readInt64()))
            }) {
                state.sources[path] = record
            }
            state.searchAvailable = try reader.readBool()
            if try reader.readBool() {
                state.check = SiteState.CheckRecord(key: try reader.readDigest(), diagnostics: try reader.readDiagnostics(),
                                                    modules: try reader.readInt())
            }
            for _ in 0..<(try reader.readCount()) {
                guard let edition = Edition(rawValue: try reader.readString()) else { return nil }
                let planKey = try reader.readDigest(), pages = try reader.readInt()
                var files: [String: SiteState.OutputRecord] = [:]
                for _ in 0..<(try reader.readCount()) {
                    files[try reader.readString()] = SiteState.OutputRecord(inputs: try reader.readDigest(), status: try reader.readStatus())
                }
                state.editions[edition] = SiteState.EditionRecord(planKey: planKey, files: files, pages: pages)
            }
            let token = try reader.readUInt64()
            guard reader.isAtEnd else { return nil }
            state.modules = nil
            state.moduleStore = ModuleStore(path: join(directory, "modules.bin"), token: token)
            return state
        } catch {
            return nil
        }
    }

    /// `modules.bin` being written on another thread while the site is (`startSavingModules`).
    public struct PendingModules: Sendable {
        fileprivate let work: BackgroundWork<Result<ModuleStore, AtomicDirectory.WriteError>>

        /// Waits until the file is written (or has failed).
        public func wait() { _ = work.value }
    }

    /// Starts writing `state`'s parsed modules to `directory` on another thread when they
    /// changed since they were last saved: otherwise a serial step at the end of a large build,
    /// while the cores have room as the site's files are created. Nil when there is nothing to write.
    public static func startSavingModules(of state: SiteState, to directory: String) -> PendingModules? {
        let modulesPath = join(directory, "modules.bin")
        guard let modules = modulesToSave(state, at: modulesPath) else { return nil }
        return PendingModules(work: BackgroundWork {
            do throws(AtomicDirectory.WriteError) {
                try createDirectory(directory)
                let token = UInt64.random(in: 1...UInt64.max)
                try stream(to: modulesPath) { encodeModules(modules, token: token, into: &$0) }
                return .success(ModuleStore(path: modulesPath, token: token))
            } catch {
                return .failure(error)
            }
        })
    }

    /// The modules to write to `modulesPath`, unless that file already holds them.
    private static func modulesToSave(_ state: SiteState, at modulesPath: String) -> [String: SiteState.ParsedModule]? {
        guard let modules = state.modules, state.modulesChanged || state.moduleStore == nil
                || state.moduleStore?.path != modulesPath || FileStatus.of(modulesPath) == nil else { return nil }
        return modules
    }

    private static func createDirectory(_ directory: String) throws(AtomicDirectory.WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicDirectory.WriteError(path: directory, reason: error.localizedDescription)
        }
    }

    /// Saves `state` into `directory`; `pending`, from `startSavingModules`, is its modules
    /// already being written.
    public static func save(_ state: inout SiteState, to directory: String, modules pending: PendingModules? = nil) throws(AtomicDirectory.WriteError) {
        try createDirectory(directory)
        let modulesPath = join(directory, "modules.bin")
        if let pending {
            state.moduleStore = try pending.work.value.get()
            state.modulesChanged = false
        } else if let modules = modulesToSave(state, at: modulesPath) {
            let token = UInt64.random(in: 1...UInt64.max)
            try stream(to: modulesPath) { encodeModules(modules, token: token, into: &$0) }
            state.moduleStore = ModuleStore(path: modulesPath, token: token)
            state.modulesChanged = false
        }
        let token = state.moduleStore?.token ?? 0
        // Earlier caches also kept the whole-curriculum files' shares, as large as `modules.bin`.
        unlink(join(directory, "fragments.bin"))

        try stream(to: join(directory, "index.bin")) { writer in
            writer.write(indexMagic)
            writer.write(formatVersion)
            let settings = state.settings
            writer.write(settings.curriculumDirectory)
            writer.write(settings.themeDirectory)
            writer.write(settings.outputDirectory)
            writer.write(settings.editions.map(\.rawValue))
            writer.write(settings.searchLibraryPath)
            writer.write(state.sources.sorted { $0.key < $1.key }) { writer, entry in
                writer.write(entry.key)
                writer.write(entry.value.status)
                writer.write(entry.value.digest)
                writer.write(entry.value.verifiedAt)
            }
            writer.write(state.searchAvailable)
            writer.write(state.check != nil)
            if let check = state.check {
                writer.write(check.key)
                writer.write(check.diagnostics)
                writer.write(check.modules)
            }
            writer.write(state.editions.sorted { $0.key < $1.key }) { writer, entry in
                writer.write(entry.key.rawValue)
                writer.write(entry.value.planKey)
                writer.write(entry.value.pages)
                writer.write(entry.value.files.sorted { $0.key < $1.key }) { writer, file in
                    writer.write(file.key)
                    writer.write(file.value.inputs)
                    writer.write(file.value.status)
                }
            }
            writer.write(token)
        }
        pruneStaleSiblings(of: directory)
    }

    /// How long a cache folder may go unused before a build of another site deletes it.
    static let staleAfter: TimeInterval = 30 * 24 * 60 * 60

    /// Deletes the other cache folders beside `directory` that no build has saved for
    /// `staleAfter`: there is one per curriculum and output folder, and every temporary output
    /// (a CI run, an experiment) would otherwise leave megabytes behind for good. Only folders
    /// whose `index.bin` is a Trellis cache index are touched; a deleted cache costs one clean
    /// build. Best effort: a folder that cannot be read or removed is left alone.
    static func pruneStaleSiblings(of directory: String) {
        let parent = (directory as NSString).deletingLastPathComponent, own = (directory as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        let cutoff = FileStatus.now() - Int64(staleAfter * 1_000_000_000)
        for name in names where name != own {
            let folder = join(parent, name), index = join(folder, "index.bin")
            guard FileStatus.of(folder, followingLinks: false)?.kind == .directory,
                  let status = FileStatus.of(index, followingLinks: false), status.kind == .regular, status.modified < cutoff,
                  let handle = FileHandle(forReadingAtPath: index) else { continue }
            let head = (try? handle.read(upToCount: 64)) ?? Data()
            try? handle.close()
            var reader = CacheReader(head)
            guard (try? reader.readString()) == indexMagic else { continue }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    private static func encodeModules(_ modules: [String: SiteState.ParsedModule], token: UInt64, into writer: inout CacheWriter) {
        writer.write(modulesMagic)
        writer.write(formatVersion)
        writer.write(token)
        writer.write(modules.sorted { $0.key < $1.key }) { writer, entry in
            writer.write(entry.key)
            writer.write(entry.value.digest)
            writer.write(entry.value.module != nil)
            if let module = entry.value.module { writer.write(module) }
            writer.write(entry.value.diagnostics)
        }
    }

    /// Encodes a cache file straight into a temporary file, renamed into place when complete.
    private static func stream(to path: String, _ encode: (inout CacheWriter) -> Void) throws(AtomicDirectory.WriteError) {
        try FileTree.writeAtomically(to: path) { descriptor in
            var writer = CacheWriter(streamingTo: descriptor)
            encode(&writer)
            writer.flush()
            return writer.failure
        }
    }

    static func loadModules(from store: ModuleStore) -> [String: SiteState.ParsedModule]? {
        guard let data = FileManager.default.contents(atPath: store.path) else { return nil }
        var reader = CacheReader(data)
        do {
            guard try reader.readString() == modulesMagic, try reader.readInt() == formatVersion,
                  try reader.readUInt64() == store.token else { return nil }
            var modules: [String: SiteState.ParsedModule] = [:]
            for _ in 0..<(try reader.readCount()) {
                let name = try reader.readString(), digest = try reader.readDigest()
                let module = try reader.readBool() ? try reader.readModule() : nil
                modules[name] = SiteState.ParsedModule(fileName: name, digest: digest, module: module, diagnostics: try reader.readDiagnostics())
            }
            return reader.isAtEnd ? modules : nil
        } catch {
            return nil
        }
    }
}
