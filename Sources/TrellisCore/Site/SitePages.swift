import Foundation

/// The pages of the site, each rendered from its template and the shared context.
extension SiteBuilder {
    func homePage(_ shared: SharedContext) -> String {
        let manifest = curriculum.manifest
        var number = 0
        let tracks: [TemplateValue] = manifest.tracks.map { track in
            let modules = track.moduleIDs.compactMap { curriculum.module($0) }
            return [
                "id": .text(track.id),
                "title": .text(track.title),
                "duration": .text(Duration.text(minutes: modules.reduce(0) { $0 + $1.duration })),
                "moduleCount": .number(modules.count),
                "modules": .list(modules.map { module -> TemplateValue in
                    number += 1
                    return ["number": .number(number), "title": .text(module.title), "url": "modules/\(module.id).html",
                            "summary": .text(module.summary), "duration": .text(Duration.text(minutes: module.duration))]
                }),
            ]
        }
        let schedule: [TemplateValue] = manifest.schedule.map { entry in
            ["day": .text(entry.day), "focus": .text(entry.focus),
             "tracks": .text(entry.trackIDs.compactMap { id in manifest.tracks.first { $0.id == id }?.title }.joined(separator: ", "))]
        }
        var context = shared.page(title: manifest.title, root: "", current: "home")
        context["description"] = .text(manifest.description ?? "")
        context["tracks"] = .list(tracks)
        context["schedule"] = .list(schedule)
        context["hasSchedule"] = .flag(!schedule.isEmpty)
        context["moduleCount"] = .number(shared.ordered.count)
        context["competencyCount"] = .number(curriculum.framework.competencies.count)
        context["totalHours"] = .text(Duration.hours(minutes: curriculum.totalMinutes))
        return theme.render("home", context)
    }

    func modulePage(_ module: Module, at position: Int, _ shared: SharedContext) -> String {
        let ordered = shared.ordered
        func link(_ other: Module) -> TemplateValue { ["title": .text(other.title), "url": "\(other.id).html"] }
        let toc: [TemplateValue] = module.body.headings
            .filter { $0.level == 2 && $0.callout == nil }
            .map { ["text": .text($0.text), "slug": .text($0.slug)] }
        let trackTitle = shared.trackTitle(of: module.id)
        let body = module.body.html(for: edition) ?? ""
        var page = shared.page(title: module.title, root: "../", current: "module")
        page["description"] = .text(module.summary)
        var fields: TemplateObject = [
            "id": .text(module.id),
            "title": .text(module.title),
            "summary": .text(module.summary),
            "duration": .text(Duration.text(minutes: module.duration)),
            "objectives": .texts(module.objectives),
            "prerequisites": .list(module.prerequisites.compactMap { curriculum.module($0) }.map(link)),
            "hasPrerequisites": .flag(!module.prerequisites.isEmpty),
            "competencies": .list(module.competencies.compactMap { curriculum.framework.competency($0) }
                .map { ["id": .text($0.id), "title": .text($0.title), "url": "../competencies/\($0.id).html"] }),
            "toc": .list(toc),
            "hasToc": .flag(toc.count > 1),
            "body": .text(body),
            "trackTitle": .text(trackTitle),
            "number": .number(position + 1),
            "materials": .texts(module.materials),
            "hasMaterials": .flag(!module.materials.isEmpty && edition == .trainer),
        ]
        if let audience = module.audience { fields["audience"] = .text(audience) }
        if let version = module.version { fields["version"] = .text(version) }
        if let updated = module.updated { fields["updated"] = .text(updated.description) }
        if let reviewBy = module.reviewBy { fields["reviewBy"] = .text(reviewBy.description) }
        if position > 0 { fields["previous"] = link(ordered[position - 1]) }
        if position + 1 < ordered.count { fields["next"] = link(ordered[position + 1]) }
        page["module"] = .object(fields)
        return theme.render("module", page, capacity: body.utf8.count + 8192)
    }

    func competencyPage(_ competency: CompetencyFramework.Competency, _ shared: SharedContext) -> String {
        let framework = curriculum.framework
        let modules = shared.modulesByCompetency[competency.id] ?? []
        var page = shared.page(title: competency.title, root: "../", current: "competencies")
        page["description"] = .text(competency.description)
        page["competency"] = [
            "id": .text(competency.id),
            "title": .text(competency.title),
            "description": .text(competency.description),
            "domain": .text(framework.domains.first { $0.id == competency.domainID }?.title ?? ""),
            "indicators": .texts(competency.indicators),
            "samhsa": .list(competency.samhsa.map { ["number": .number($0), "name": .text(framework.samhsaCategories[$0] ?? "")] }),
            "hasSamhsa": .flag(!competency.samhsa.isEmpty),
            "modules": .list(modules.map {
                ["title": .text($0.title), "url": "../modules/\($0.id).html", "duration": .text(Duration.text(minutes: $0.duration))]
            }),
            "hasModules": .flag(!modules.isEmpty),
        ]
        page["scale"] = shared.scale
        return theme.render("competency", page)
    }

    func competencyMapPage(_ shared: SharedContext) -> String {
        let framework = curriculum.framework
        let domains = framework.domains
        // A row per module, a cell per domain: the cells of the same competencies are the same values, made once.
        var competencyLinks: [String: TemplateValue] = [:]
        for competency in framework.competencies {
            competencyLinks[competency.id] = ["title": .text(competency.title), "url": "competencies/\(competency.id).html"]
        }
        let emptyCell: TemplateValue = ["competencies": [], "empty": true]
        let rows: [TemplateValue] = shared.ordered.map { module in
            let built = Set(module.competencies)
            return [
                "title": .text(module.title),
                "url": "modules/\(module.id).html",
                "cells": .list(domains.map { domain -> TemplateValue in
                    let competencies = domain.competencies.filter { built.contains($0.id) }
                    if competencies.isEmpty { return emptyCell }
                    return ["competencies": .list(competencies.compactMap { competencyLinks[$0.id] }), "empty": false]
                }),
            ]
        }
        let samhsa: [TemplateValue] = framework.samhsaCategories.keys.sorted().map { number in
            let mapped = framework.competencies.filter { $0.samhsa.contains(number) }
            return ["number": .number(number), "name": .text(framework.samhsaCategories[number] ?? ""),
                    "competencies": .list(mapped.compactMap { competencyLinks[$0.id] }),
                    "covered": .flag(!mapped.isEmpty)]
        }
        var page = shared.page(title: "Competency map", root: "", current: "competencies")
        page["description"] = "Which modules build which competencies of \(framework.title)."
        page["framework"] = ["title": .text(framework.title), "version": .text(framework.version ?? "")]
        page["domains"] = .list(domains.map { domain -> TemplateValue in
            ["id": .text(domain.id), "title": .text(domain.title),
             "competencies": .list(domain.competencies.map { competency -> TemplateValue in
                ["title": .text(competency.title), "url": "competencies/\(competency.id).html",
                 "moduleCount": .number(shared.modulesByCompetency[competency.id]?.count ?? 0)]
             })]
        })
        page["rows"] = .list(rows)
        page["scale"] = shared.scale
        page["samhsa"] = .list(samhsa)
        page["hasSamhsa"] = .flag(!samhsa.isEmpty)
        return theme.render("competency-map", page)
    }

    func facilitatorPage(_ shared: SharedContext) -> String {
        var elapsed = 0
        let rows: [TemplateValue] = shared.ordered.enumerated().map { position, module in
            elapsed += module.duration
            return [
                "number": .number(position + 1),
                "title": .text(module.title),
                "url": "modules/\(module.id).html",
                "track": .text(shared.trackTitle(of: module.id)),
                "duration": .text(Duration.text(minutes: module.duration)),
                "elapsed": .text(Duration.text(minutes: elapsed)),
                "materials": .texts(module.materials),
                "scenarios": .number(module.body.callouts.filter { $0.kind == .scenario }.count),
                "trainerNotes": .number(module.body.callouts.filter { $0.kind == .trainerNote }.count),
                "reviewBy": .text(module.reviewBy?.description ?? ""),
            ]
        }
        var page = shared.page(title: "Facilitator overview", root: "", current: "facilitator")
        page["description"] = "Timing, materials and activities for each module."
        page["rows"] = .list(rows)
        page["totalHours"] = .text(Duration.hours(minutes: curriculum.totalMinutes))
        page["schedule"] = .list(curriculum.manifest.schedule.map { ["day": .text($0.day), "focus": .text($0.focus)] })
        page["hasSchedule"] = .flag(!curriculum.manifest.schedule.isEmpty)
        return theme.render("facilitator", page)
    }

    func searchPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Search", root: "", current: "search")
        page["description"] = "Search every module's objectives, sections and text."
        return theme.render("search", page)
    }

    /// Every module in teaching order on one page: the whole-curriculum handout.
    ///
    /// The template is rendered with a marker in place of each module's body, and the page is
    /// the rendered text cut at the markers with the bodies in between: the bodies (most of a
    /// large curriculum's manual) are not copied through Mustache's string building. A theme
    /// that does not show each body exactly once gets the page rendered whole instead. (A theme
    /// must show bodies unescaped, `{{{body}}}`, as the default theme does: they are HTML.)
    func manualPagePieces(_ shared: SharedContext) -> [String] {
        collectedPieces(of: .manual, shared)
    }

    /// The manual rendered as one string, bodies and all.
    func manualPageWhole(_ shared: SharedContext) -> String {
        let moduleIDs = Set(shared.ordered.map(\.id))
        let builder = self
        let bodies = shared.ordered.concurrentMap { builder.manualBody(of: $0, moduleIDs: moduleIDs, shared) }
        return theme.render("manual", manualPageContext(shared, bodies: bodies))
    }

    /// How many modules' shares of a whole-curriculum file are made (on every core) and
    /// written before the next: enough to keep both cores busy, few enough that a large
    /// curriculum's `manual.html` (a hundred megabytes at 10,000 modules) is never all in memory.
    static let piecesPerBatch = 256

    /// True for the files made of every module's share (`manual.html`, `search-index.js`),
    /// which `writePieces` writes in batches.
    static func isWholeCurriculum(_ page: PageKind) -> Bool {
        switch page {
        case .manual, .searchIndex: return true
        default: return false
        }
    }

    /// Hands `manual.html` or `search-index.js` to `emit` a batch of pieces at a time, each
    /// batch's module shares made on every core; stops at and returns the first non-zero
    /// value `emit` returns (an `errno` from writing).
    func writePieces(of page: PageKind, _ shared: SharedContext, batch: Int = piecesPerBatch, to emit: ([String]) -> Int32) -> Int32 {
        let ordered = shared.ordered, builder = self
        // Each batch is made while the one before it is written, so the cores are not idle
        // while megabytes go to the file.
        func batches(_ share: @escaping @Sendable (Module) -> String, _ emitBatch: ([String]) -> Int32) -> Int32 {
            let starts = Array(stride(from: 0, to: ordered.count, by: batch))
            let make = { @Sendable (start: Int) in Array(ordered[start..<min(start + batch, ordered.count)]).concurrentMap(share) }
            var next = starts.first.map { start in BackgroundWork(ownThread: true) { make(start) } }
            for index in starts.indices {
                let made = next!.value
                next = index + 1 < starts.count ? BackgroundWork(ownThread: true) { [start = starts[index + 1]] in make(start) } : nil
                let failure = emitBatch(made)
                if failure != 0 { return failure }
            }
            return 0
        }
        switch page {
        case .manual:
            let parts = theme.render("manual", manualPageContext(shared, bodies: nil)).split(atUTF8: Self.manualBodyMarker)
            guard parts.count == ordered.count + 1 else { return emit([manualPageWhole(shared)]) }
            let moduleIDs = Set(ordered.map(\.id))
            var position = 0
            let failure = batches({ builder.manualBody(of: $0, moduleIDs: moduleIDs, shared) }) { bodies in
                var pieces: [String] = []
                pieces.reserveCapacity(bodies.count * 2)
                for body in bodies {
                    pieces.append(parts[position])
                    pieces.append(body)
                    position += 1
                }
                return emit(pieces)
            }
            return failure != 0 ? failure : emit([parts[parts.count - 1]])
        case .searchIndex:
            var failure = emit([SearchIndex.scriptHead])
            if failure != 0 { return failure }
            var first = true
            failure = batches({ builder.searchDocumentLines(of: $0, shared) }) { lines in
                var pieces: [String] = []
                pieces.reserveCapacity(lines.count * 2)
                for line in lines where !line.isEmpty {
                    if !first { pieces.append(SearchIndex.scriptSeparator) }
                    pieces.append(line)
                    first = false
                }
                return emit(pieces)
            }
            return failure != 0 ? failure : emit([SearchIndex.scriptTail])
        default:
            preconditionFailure("only manual.html and search-index.js are written in pieces (isWholeCurriculum)")
        }
    }

    /// `writePieces`, collected.
    func collectedPieces(of page: PageKind, _ shared: SharedContext) -> [String] {
        var all: [String] = []
        _ = writePieces(of: page, shared) { pieces in
            all += pieces
            return 0
        }
        return all
    }

    /// The manual's template context, with each module's body (or, without `bodies`, a marker in its place).
    func manualPageContext(_ shared: SharedContext, bodies: [String]?) -> TemplateObject {
        let modules: [TemplateValue] = shared.ordered.enumerated().map { position, module in
            var fields: TemplateObject = [
                "id": .text(module.id),
                "anchor": .text(ManualBody.anchor(forModule: module.id)),
                "title": .text(module.title),
                "summary": .text(module.summary),
                "number": .number(position + 1),
                "trackTitle": .text(shared.trackTitle(of: module.id)),
                "duration": .text(Duration.text(minutes: module.duration)),
                "objectives": .texts(module.objectives),
                "competencies": .text(module.competencies.compactMap { curriculum.framework.competency($0)?.title }.joined(separator: ", ")),
                "materials": .texts(module.materials),
                "hasMaterials": .flag(!module.materials.isEmpty && edition == .trainer),
                "body": .text(bodies?[position] ?? Self.manualBodyMarker),
            ]
            if let version = module.version { fields["version"] = .text(version) }
            return .object(fields)
        }
        var page = shared.page(title: "The whole curriculum", root: "", current: "manual")
        page["description"] = "Every module of \(curriculum.manifest.title) on one page, for printing."
        page["modules"] = .list(modules)
        page["totalHours"] = .text(Duration.hours(minutes: curriculum.totalMinutes))
        return page
    }

    /// Stands for a module's body while the manual's template is rendered: control characters
    /// that no rendered text contains (cmark and the templates never write U+0001).
    static let manualBodyMarker = "\u{1}trellis-manual-body\u{1}"

    /// A module's body as it appears in the manual; the same for the same module and module ids.
    func manualBody(of module: Module, moduleIDs: Set<String>, _ shared: SharedContext) -> String {
        let edition = self.edition
        let make = { ManualBody.rewrite(module.body.html(for: edition) ?? "", moduleID: module.id, moduleIDs: moduleIDs) }
        guard let fragments, let digest = moduleDigests[module.id] else { return make() }
        return fragments.value(for: .init(kind: .manualBody, module: digest, edition: edition, context: shared.moduleIDsDigest), make: make)
    }

    /// Computes every module's share of the whole-curriculum files into `fragments` (for
    /// `trellis serve`, before the first edit).
    func prepareFragments(_ shared: SharedContext) {
        let moduleIDs = Set(shared.ordered.map(\.id))
        let builder = self, searches = options.searchLibrary != nil
        _ = shared.ordered.concurrentMap { module in
            _ = builder.manualBody(of: module, moduleIDs: moduleIDs, shared)
            if searches { _ = builder.searchDocumentLines(of: module, shared) }
        }
    }

    /// A module's lines of `search-index.js` (one per section, in reading order), kept in
    /// `fragments` when there are any.
    func searchDocumentLines(of module: Module, _ shared: SharedContext) -> String {
        let edition = self.edition
        let make = { SearchIndex(modules: [module], edition: edition).scriptText() }
        guard let fragments, let digest = moduleDigests[module.id] else { return make() }
        return fragments.value(for: .init(kind: .searchDocuments, module: digest, edition: edition, context: .zero), make: make)
    }

    /// Every module's searchable text, loaded by `search.html` as a script (so search works from `file://`).
    public static let searchIndexPath = "search-index.js"

    /// Where the one-page curriculum goes; `trellis build --pdf` prints it to `pdf/manual.pdf`.
    public static let manualPath = "manual.html"

    func notFoundPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Page not found", root: "", current: "")
        page["description"] = "This page does not exist."
        return theme.render("not-found", page)
    }
}
