import Foundation

/// One file of an edition as planned before rendering: where it goes, how it is made, and
/// the digest of every input it is made from.
///
/// Two plans with the same `inputs` give byte-identical files, so the incremental build
/// rewrites a file exactly when its digest differs from the one recorded when it was written.
struct PlannedFile: Sendable, Hashable {
    enum Source: Sendable, Hashable {
        case page(PageKind)
        case copy(from: String)
    }

    var path: String
    var source: Source
    var inputs: ContentDigest
}

/// The kinds of generated file, each rendered by one function of `SiteBuilder`.
enum PageKind: Sendable, Hashable {
    case home, competencyMap, notFound, search, manual, facilitator, searchLibrary, searchIndex
    /// The module at this position in reading order.
    case module(position: Int)
    /// The competency at this index of the framework's competencies.
    case competency(index: Int)
}

/// Computes each page's input digest from exactly what its rendering function reads.
///
/// This is the dependency graph of the incremental build, written out per page kind: a
/// module page reads its own module (one digest of its source file), the titles of its
/// neighbours, prerequisites and competencies, its track's title, the site's title and the
/// templates it renders with — so a change to another module's body does not touch it, but
/// a change to a neighbour's title does. When a rendering function in `SiteBuilder` starts
/// reading something new, the matching digest here must add it; `IncrementalBuildTests`
/// compares incremental output with clean builds after every kind of change to catch a miss.
struct PageInputs: Sendable {
    let builder: SiteBuilder
    let context: SharedContext
    let computesDigests: Bool
    /// Title, organization, edition and options: what every page's layout shows.
    private let site: ContentDigest
    /// Looked up once: a page digest is computed for every page on every rebuild.
    private let moduleTitles: [String: String]
    private let competencies: [CompetencyFramework.Competency]
    private let competencyTitles: [String: String]

    init(builder: SiteBuilder, context: SharedContext, computesDigests: Bool) {
        self.builder = builder
        self.context = context
        self.computesDigests = computesDigests
        var site = DigestBuilder("site")
        let manifest = builder.curriculum.manifest
        site.add(manifest.title)
        site.add(manifest.organization)
        site.add(builder.edition.rawValue)
        site.add(builder.options.searchLibrary != nil)
        site.add(builder.options.linksPDFHandouts)
        self.site = site.finish()
        var moduleTitles: [String: String] = [:]
        for module in builder.curriculum.modules where moduleTitles[module.id] == nil { moduleTitles[module.id] = module.title }
        self.moduleTitles = moduleTitles
        competencies = builder.curriculum.framework.competencies
        var competencyTitles: [String: String] = [:]
        for competency in competencies where competencyTitles[competency.id] == nil { competencyTitles[competency.id] = competency.title }
        self.competencyTitles = competencyTitles
    }

    private var curriculum: Curriculum { builder.curriculum }

    func digest(of page: PageKind) -> ContentDigest {
        guard computesDigests else { return .zero }
        var digest = DigestBuilder("page")
        digest.add(site)
        if let template = template(for: page) { digest.add(builder.theme.digest(ofTemplate: template)) }
        switch page {
        case .home: addHome(&digest)
        case .competencyMap: addCompetencyMap(&digest)
        case .notFound, .search: break
        case .manual: addManual(&digest)
        case .facilitator: addFacilitator(&digest)
        case .searchLibrary: digest.add(builder.options.searchLibrary.map { ContentDigest.of($0.script) } ?? .zero)
        case .searchIndex:
            digest.add("search index")
            for module in context.ordered { digest.add(moduleDigest(module)) }
        case .module(let position): addModule(at: position, &digest)
        case .competency(let index): addCompetency(competencies[index], &digest)
        }
        return digest.finish()
    }

    /// A copied file is its source's bytes.
    func digest(ofCopy source: String) -> ContentDigest {
        guard computesDigests else { return .zero }
        var digest = DigestBuilder("copy")
        digest.add(builder.copyDigests[source] ?? FileManager.default.contents(atPath: source).map { ContentDigest.of($0) } ?? .zero)
        return digest.finish()
    }

    private func template(for page: PageKind) -> String? {
        switch page {
        case .home: "home"
        case .competencyMap: "competency-map"
        case .notFound: "not-found"
        case .search: "search"
        case .manual: "manual"
        case .facilitator: "facilitator"
        case .module: "module"
        case .competency: "competency"
        case .searchLibrary, .searchIndex: nil
        }
    }

    /// Everything about a module: its source file's digest when known (the incremental build
    /// always knows it), else the digest of its cache encoding, which holds every field.
    private func moduleDigest(_ module: Module) -> ContentDigest {
        if let digest = builder.moduleDigests[module.id] { return digest }
        var encoding = CacheWriter()
        encoding.write(module)
        return ContentDigest.of(encoding.data)
    }

    private func addLink(_ module: Module?, _ digest: inout DigestBuilder) {
        digest.add(module?.id)
        digest.add(module?.title)
    }

    private func addModule(at position: Int, _ digest: inout DigestBuilder) {
        let ordered = context.ordered
        digest.add("module")
        digest.add(moduleDigest(ordered[position]))
        digest.add(position)
        digest.add(context.trackTitle(of: ordered[position].id))
        for neighbour in [position - 1, position + 1] {
            let exists = ordered.indices.contains(neighbour)
            digest.add(exists ? ordered[neighbour].id : nil)
            digest.add(exists ? ordered[neighbour].title : nil)
        }
        for prerequisite in ordered[position].prerequisites {
            digest.add(prerequisite)
            digest.add(moduleTitles[prerequisite])
        }
        for id in ordered[position].competencies {
            digest.add(id)
            digest.add(competencyTitles[id])
        }
    }

    private func addCompetency(_ competency: CompetencyFramework.Competency, _ digest: inout DigestBuilder) {
        let framework = curriculum.framework
        digest.add("competency")
        digest.add(competency.id)
        digest.add(competency.title)
        digest.add(competency.description)
        digest.add(framework.domains.first { $0.id == competency.domainID }?.title)
        digest.add(competency.indicators)
        for number in competency.samhsa {
            digest.add(number)
            digest.add(framework.samhsaCategories[number])
        }
        addScale(&digest)
        for module in context.modulesByCompetency[competency.id] ?? [] {
            addLink(module, &digest)
            digest.add(module.duration)
        }
    }

    private func addScale(_ digest: inout DigestBuilder) {
        for level in curriculum.framework.scale {
            digest.add(level.name)
            digest.add(level.description)
        }
    }

    private func addHome(_ digest: inout DigestBuilder) {
        let manifest = curriculum.manifest
        digest.add("home")
        digest.add(manifest.description)
        for track in manifest.tracks {
            digest.add(track.id)
            digest.add(track.title)
            for module in track.moduleIDs.compactMap({ curriculum.module($0) }) {
                addLink(module, &digest)
                digest.add(module.summary)
                digest.add(module.duration)
            }
        }
        for entry in manifest.schedule {
            digest.add(entry.day)
            digest.add(entry.focus)
            digest.add(entry.trackIDs)
        }
        digest.add(context.ordered.count)
        digest.add(curriculum.framework.competencies.count)
    }

    private func addCompetencyMap(_ digest: inout DigestBuilder) {
        let framework = curriculum.framework
        digest.add("competency map")
        digest.add(framework.title)
        digest.add(framework.version)
        addScale(&digest)
        for (number, name) in framework.samhsaCategories.sorted(by: { $0.key < $1.key }) {
            digest.add(number)
            digest.add(name)
        }
        for domain in framework.domains {
            digest.add(domain.id)
            digest.add(domain.title)
            for competency in domain.competencies {
                digest.add(competency.id)
                digest.add(competency.title)
            }
        }
        for competency in framework.competencies {
            digest.add(competency.id)
            digest.add(competency.title)
            digest.add(competency.samhsa.count)
            for number in competency.samhsa { digest.add(number) }
        }
        for module in context.ordered {
            addLink(module, &digest)
            digest.add(module.competencies)
        }
    }

    private func addFacilitator(_ digest: inout DigestBuilder) {
        digest.add("facilitator")
        for module in context.ordered {
            addLink(module, &digest)
            digest.add(context.trackTitle(of: module.id))
            digest.add(module.duration)
            digest.add(module.materials)
            digest.add(module.body.callouts.filter { $0.kind == .scenario }.count)
            digest.add(module.body.callouts.filter { $0.kind == .trainerNote }.count)
            digest.add(module.reviewBy?.description)
        }
        for entry in curriculum.manifest.schedule {
            digest.add(entry.day)
            digest.add(entry.focus)
        }
    }

    private func addManual(_ digest: inout DigestBuilder) {
        digest.add("manual")
        for module in context.ordered {
            digest.add(moduleDigest(module))
            digest.add(context.trackTitle(of: module.id))
            for id in module.competencies { digest.add(competencyTitles[id]) }
        }
    }
}

/// Per-module pieces of the pages that show every module (`manual.html`, `search-index.js`),
/// kept between rebuilds in one process. Entries not used by the latest build are dropped
/// by `endGeneration()`, so a long preview session does not grow without bound.
final class RenderedFragments: @unchecked Sendable {
    struct Key: Hashable {
        enum Kind: UInt8, Hashable { case manualBody, searchDocuments }
        var kind: Kind
        var module: ContentDigest
        var edition: Edition
        /// Whatever else the fragment depends on (the manual's module ids).
        var context: ContentDigest
    }

    private let lock = NSLock()
    private var entries: [Key: (value: String, generation: Int)] = [:]
    private var generation = 0
    private var kindsUsed: Set<Key.Kind> = []

    func value(for key: Key, make: () -> String) -> String {
        lock.lock()
        kindsUsed.insert(key.kind)
        if let entry = entries[key] {
            entries[key] = (entry.value, generation)
            lock.unlock()
            return entry.value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        entries[key] = (value, generation)
        lock.unlock()
        return value
    }

    /// Forgets the fragments of each kind that the build just finished used that kind without them.
    func endGeneration() {
        lock.lock()
        let finished = generation, used = kindsUsed
        entries = entries.filter { !used.contains($0.key.kind) || $0.value.generation == finished }
        generation += 1
        kindsUsed = []
        lock.unlock()
    }
}

extension NSLock {
    /// Runs `body` holding the lock.
    func guarding<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
