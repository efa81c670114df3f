import Foundation
import TrellisModel

/// One file of a built site: a rendered page, or a file copied from the curriculum or theme.
public struct SiteFile: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case text(String)
        case copy(from: String)
        /// A file of the built-in theme.
        case bytes([UInt8])
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
public struct EditionRenderer: Sendable {
    public var curriculum: Curriculum
    public var theme: Theme
    public var edition: Edition
    public var options: SiteOptions

    public init(curriculum: Curriculum, theme: Theme, edition: Edition, options: SiteOptions = SiteOptions()) {
        self.curriculum = curriculum
        self.theme = theme
        self.edition = edition
        self.options = options
    }

    /// Every file of the edition, rendered (pages on every core).
    public func files() -> [SiteFile] {
        let output = output()
        return Array(output.paths.indices).concurrentMap { SiteFile(path: output.paths[$0], content: output.content($0)) }
    }

    /// Every file of the edition, each rendered when it is written.
    func output() -> OutputFolder.Files {
        let context = makeSharedContext()
        let planned = plan(context), renderer = self
        return OutputFolder.Files(paths: planned.map(\.path)) { renderer.content(of: planned[$0], context) }
    }

    func makeSharedContext() -> SharedContext {
        SharedContext(curriculum: curriculum, edition: edition, ordered: curriculum.modulesInTrackOrder, options: options)
    }

    /// Renders one planned file.
    func content(of planned: PlannedFile, _ context: SharedContext) -> SiteFile.Content {
        switch planned.source {
        case .copy(let source): return .copy(from: source)
        case .themeFile(let path): return theme.staticContent(path)
        case .page(let page): return .text(render(page, context))
        }
    }

    func render(_ page: PageKind, _ context: SharedContext) -> String {
        switch page {
        case .home: return homePage(context)
        case .competencyMap: return competencyMapPage(context)
        case .notFound: return notFoundPage(context)
        case .search: return searchPage(context)
        case .manual: return manualPage(context)
        case .searchIndex:
            return SearchIndex(modules: context.ordered, handouts: publishedHandouts, glossary: curriculum.glossary, edition: edition).script()
        case .facilitator: return facilitatorPage(context)
        case .searchLibrary: return options.searchLibrary?.script ?? ""
        case .module(let position): return modulePage(context.ordered[position], at: position, context)
        case .competency(let index): return competencyPage(curriculum.framework.competencies[index], context)
        case .handout(let index): return handoutPage(curriculum.handouts[index], context)
        case .handoutIndex: return handoutIndexPage(context)
        case .glossary: return glossaryPage(context)
        }
    }

    /// Every file of the edition, in the order they are listed to the reader's browser.
    func plan(_ context: SharedContext) -> [PlannedFile] {
        var files: [PlannedFile] = []
        func page(_ path: String, _ kind: PageKind) { files.append(PlannedFile(path: path, source: .page(kind))) }
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
        for (position, module) in context.ordered.enumerated() {
            page("modules/\(module.id).html", .module(position: position))
        }
        for (index, competency) in curriculum.framework.competencies.enumerated() {
            page("competencies/\(competency.pageName).html", .competency(index: index))
        }
        if !publishedHandouts.isEmpty { page("handouts/index.html", .handoutIndex) }
        for (index, handout) in curriculum.handouts.enumerated() where handout.isPublished(in: edition) {
            page("handouts/\(handout.id).html", .handout(index: index))
        }
        if curriculum.glossary != nil { page("glossary.html", .glossary) }
        for path in theme.staticFiles where !(options.searchLibrary != nil && path == "lunr.min.js") {
            files.append(PlannedFile(path: "static/" + path, source: .themeFile(path)))
        }
        for asset in curriculum.assets {
            files.append(PlannedFile(path: asset, source: .copy(from: join(curriculum.directory, asset))))
        }
        return files
    }
}
