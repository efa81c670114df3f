import Foundation

/// One file of a built site: a rendered page, or a file copied from the curriculum or theme.
public struct SiteFile: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case text(String)
        /// Text written as the concatenation of its pieces (`manual.html`, `search-index.js`:
        /// each module's share is written from the string already in memory rather than
        /// copied into one page of many megabytes).
        case pieces([String])
        case copy(from: String)
    }
    /// Path within the edition's folder, e.g. `modules/engage.html`.
    public var path: String
    public var content: Content
}

/// What a build adds beyond the pages themselves.
public struct SiteOptions: Sendable {
    /// Lunr, when installed: without it the site is built with search turned off.
    public var searchLibrary: SearchLibrary?
    /// Pages link to `pdf/<module-id>.pdf` and `pdf/manual.pdf`, which `--pdf` writes.
    public var linksPDFHandouts: Bool

    public init(searchLibrary: SearchLibrary? = nil, linksPDFHandouts: Bool = false) {
        self.searchLibrary = searchLibrary
        self.linksPDFHandouts = linksPDFHandouts
    }
}

/// Renders the pages of one edition of the site from a checked curriculum.
///
/// Every page's size is proportional to its own content: navigation is the module's own
/// track neighbours, never the whole curriculum repeated on every page.
public struct SiteBuilder: Sendable {
    public var curriculum: Curriculum
    public var theme: Theme
    public var edition: Edition
    public var options: SiteOptions
    /// Each module's digest by id: of its source file, which determines everything about the
    /// module. Set by the incremental build; without it, digests are computed from the modules.
    var moduleDigests: [String: ContentDigest] = [:]
    /// Per-module pieces of the whole-curriculum pages, kept between rebuilds by `trellis serve`
    /// so that editing one module does not redo the other modules' share of `manual.html`.
    var fragments: RenderedFragments?
    /// Digests of copied files (theme static files and assets) by source path, when known.
    var copyDigests: [String: ContentDigest] = [:]

    public init(curriculum: Curriculum, theme: Theme, edition: Edition, options: SiteOptions = SiteOptions()) {
        self.curriculum = curriculum
        self.theme = theme
        self.edition = edition
        self.options = options
    }

    /// Every file of the edition, rendered.
    public func files() -> [SiteFile] {
        let context = makeSharedContext()
        let builder = self
        return plan(context, withInputDigests: false).concurrentMap { builder.file(for: $0, context) }
    }

    /// Every file of the edition, each with the digest of exactly the inputs it is made from,
    /// but not yet rendered: the incremental build renders only those whose digest changed.
    func plan(_ context: SharedContext) -> [PlannedFile] {
        plan(context, withInputDigests: true)
    }

    /// Just the pages of these modules, planned as `plan` plans them: what a reader editing
    /// those modules is looking at, so `trellis serve` writes them before anything else.
    func planModulePages(_ ids: Set<String>, _ context: SharedContext) -> [PlannedFile] {
        let inputs = PageInputs(builder: self, context: context, computesDigests: true)
        return context.ordered.indices.filter { ids.contains(context.ordered[$0].id) }.map { position in
            PlannedFile(path: "modules/\(context.ordered[position].id).html", source: .page(.module(position: position)),
                        inputs: inputs.digest(of: .module(position: position)))
        }
    }

    func makeSharedContext() -> SharedContext {
        SharedContext(curriculum: curriculum, edition: edition, ordered: curriculum.modulesInTrackOrder, options: options)
    }

    /// Renders one planned file.
    func file(for planned: PlannedFile, _ context: SharedContext) -> SiteFile {
        switch planned.source {
        case .copy(let source): return SiteFile(path: planned.path, content: .copy(from: source))
        case .page(let page): return SiteFile(path: planned.path, content: render(page, context))
        }
    }

    /// Renders one planned file straight into `path`, the whole-curriculum files a batch of
    /// modules at a time (see `writePieces`).
    func write(_ planned: PlannedFile, _ context: SharedContext, to path: String, atomically: Bool) throws {
        guard case .page(let page) = planned.source, Self.isWholeCurriculum(page) else {
            return try file(for: planned, context).content.write(to: path, atomically: atomically)
        }
        let produce = { (descriptor: Int32) in self.writePieces(of: page, context) { FileTree.writeAll($0, to: descriptor) } }
        if atomically { try FileTree.writeAtomically(to: path, by: produce) } else { try FileTree.write(to: path, by: produce) }
    }

    /// A page's content; the two whole-curriculum files are pieces, never joined into one string.
    func render(_ page: PageKind, _ context: SharedContext) -> SiteFile.Content {
        switch page {
        case .home: return .text(homePage(context))
        case .competencyMap: return .text(competencyMapPage(context))
        case .notFound: return .text(notFoundPage(context))
        case .search: return .text(searchPage(context))
        case .manual, .searchIndex: return .pieces(collectedPieces(of: page, context))
        case .facilitator: return .text(facilitatorPage(context))
        case .searchLibrary: return .text(options.searchLibrary?.script ?? "")
        case .module(let position): return .text(modulePage(context.ordered[position], at: position, context))
        case .competency(let index): return .text(competencyPage(curriculum.framework.competencies[index], context))
        }
    }

    func plan(_ context: SharedContext, withInputDigests: Bool) -> [PlannedFile] {
        let inputs = PageInputs(builder: self, context: context, computesDigests: withInputDigests)
        var files: [PlannedFile] = []
        func page(_ path: String, _ kind: PageKind) {
            files.append(PlannedFile(path: path, source: .page(kind), inputs: inputs.digest(of: kind)))
        }
        page("index.html", .home)
        page("competency-map.html", .competencyMap)
        page("404.html", .notFound)
        page("search.html", .search)
        page(Self.manualPath, .manual)
        if options.searchLibrary != nil {
            page("static/lunr.min.js", .searchLibrary)
            page(Self.searchIndexPath, .searchIndex)
        }
        if edition == .trainer {
            page("facilitator.html", .facilitator)
        }
        let modulePages = Array(context.ordered.indices).concurrentMap { position in
            PlannedFile(path: "modules/\(context.ordered[position].id).html", source: .page(.module(position: position)),
                        inputs: inputs.digest(of: .module(position: position)))
        }
        files += modulePages
        for (index, competency) in curriculum.framework.competencies.enumerated() {
            page("competencies/\(competency.id).html", .competency(index: index))
        }
        for path in theme.staticFiles where !(options.searchLibrary != nil && path == "lunr.min.js") {
            let source = join(join(theme.directory, "static"), path)
            files.append(PlannedFile(path: "static/" + path, source: .copy(from: source), inputs: inputs.digest(ofCopy: source)))
        }
        for asset in curriculum.assets {
            let source = join(curriculum.directory, asset)
            files.append(PlannedFile(path: asset, source: .copy(from: source), inputs: inputs.digest(ofCopy: source)))
        }
        return files
    }
}
