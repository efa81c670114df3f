import Foundation

/// Parsing modules, kept per file and redone only when a source changed.
extension SiteState {
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
    mutating func parse(_ scan: SourceScan) -> LoadedCurriculum {
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
    func makeScratchFile() -> ScratchTextFile? {
        let output = URL(fileURLWithPath: settings.outputDirectory).standardizedFileURL
        return [output.path, output.deletingLastPathComponent().path, NSTemporaryDirectory()].lazy.compactMap { ScratchTextFile(directory: $0) }.first
    }

    mutating func loadModulesFromStore() {
        guard modules == nil else { return }
        modules = moduleStore.flatMap { SiteCache.loadModules(from: $0) } ?? [:]
        moduleStore = nil
    }

    /// Digest of the templates and the list of static files: when unchanged, so is the theme.
    func themeKey(_ scan: SourceScan) -> ContentDigest {
        var key = DigestBuilder("theme")
        for name in Theme.requiredTemplates { digestSource(templatePath(name), into: &key) }
        for path in scan.copiedSources where path.hasPrefix(staticDirectory + "/") { key.add(path) }
        return key.finish()
    }

    /// The theme for `key`: the one already loaded, the one `loading` reads, or read now.
    mutating func loadTheme(key: ContentDigest, loading: BackgroundWork<Result<Theme, DiagnosticList>>? = nil) throws(DiagnosticList) -> Theme {
        if let theme, theme.key == key { return theme.theme }
        let loaded = try (loading?.value ?? Theme.load(from: settings.themeDirectory)).get()
        theme = (key, loaded)
        return loaded
    }

    func digestSource(_ path: String, into digest: inout DigestBuilder) {
        digest.add(path)
        if let source = sources[path] { digest.add(source.digest) } else { digest.add(false) }
    }

    mutating func loadSearchLibrary() -> SearchLibrary? {
        let digest = sources[settings.searchLibraryPath]?.digest
        if let searchLibrary, searchLibrary.digest == digest { return searchLibrary.library }
        let library = digest == nil ? nil : SearchLibrary.load(from: settings.searchLibraryPath)
        searchLibrary = (digest, library)
        return library
    }
}
