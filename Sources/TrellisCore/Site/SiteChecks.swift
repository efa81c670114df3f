import Foundation

/// Checking the curriculum on the cached parses, as `trellis check` would.
extension SiteState {
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
    mutating func runCheck(_ loaded: LoadedCurriculum, today: CalendarDate) -> [Diagnostic] {
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
}
