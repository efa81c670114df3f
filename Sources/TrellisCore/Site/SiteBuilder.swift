import Foundation

/// One file of a built site: a rendered page, or a file copied from the curriculum or theme.
public struct SiteFile: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case text(String)
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

    public init(curriculum: Curriculum, theme: Theme, edition: Edition, options: SiteOptions = SiteOptions()) {
        self.curriculum = curriculum
        self.theme = theme
        self.edition = edition
        self.options = options
    }

    public func files() -> [SiteFile] {
        let ordered = curriculum.modulesInTrackOrder
        let context = SharedContext(curriculum: curriculum, edition: edition, ordered: ordered, options: options)
        let builder = self
        var files: [SiteFile] = []
        files.append(SiteFile(path: "index.html", content: .text(homePage(context))))
        files.append(SiteFile(path: "competency-map.html", content: .text(competencyMapPage(context))))
        files.append(SiteFile(path: "404.html", content: .text(notFoundPage(context))))
        files.append(SiteFile(path: "search.html", content: .text(searchPage(context))))
        files.append(SiteFile(path: Self.manualPath, content: .text(manualPage(context))))
        if let library = options.searchLibrary {
            files.append(SiteFile(path: "static/lunr.min.js", content: .text(library.script)))
            files.append(SiteFile(path: "search-index.js", content: .text(SearchIndex(modules: ordered, edition: edition).script())))
        }
        if edition == .trainer {
            files.append(SiteFile(path: "facilitator.html", content: .text(facilitatorPage(context))))
        }
        let indexed = Array(ordered.enumerated()).map { IndexedModule(position: $0.offset, module: $0.element) }
        files += indexed.concurrentMap { item in
            SiteFile(path: "modules/\(item.module.id).html", content: .text(builder.modulePage(item.module, at: item.position, context)))
        }
        files += curriculum.framework.competencies.concurrentMap { competency in
            SiteFile(path: "competencies/\(competency.id).html", content: .text(builder.competencyPage(competency, context)))
        }
        for path in theme.staticFiles where !(options.searchLibrary != nil && path == "lunr.min.js") {
            files.append(SiteFile(path: "static/" + path, content: .copy(from: join(join(theme.directory, "static"), path))))
        }
        for asset in curriculum.assets {
            files.append(SiteFile(path: asset, content: .copy(from: join(curriculum.directory, asset))))
        }
        return files
    }

    // MARK: - Pages

    func homePage(_ shared: SharedContext) -> String {
        let manifest = curriculum.manifest
        var number = 0
        let tracks: [[String: Any]] = manifest.tracks.map { track in
            let modules = track.moduleIDs.compactMap { curriculum.module($0) }
            return [
                "id": track.id,
                "title": track.title,
                "duration": Duration.text(minutes: modules.reduce(0) { $0 + $1.duration }),
                "moduleCount": modules.count,
                "modules": modules.map { module -> [String: Any] in
                    number += 1
                    return ["number": number, "title": module.title, "url": "modules/\(module.id).html",
                            "summary": module.summary, "duration": Duration.text(minutes: module.duration)]
                },
            ]
        }
        let schedule: [[String: Any]] = manifest.schedule.map { entry in
            ["day": entry.day, "focus": entry.focus,
             "tracks": entry.trackIDs.compactMap { id in manifest.tracks.first { $0.id == id }?.title }.joined(separator: ", ")]
        }
        var context = shared.page(title: manifest.title, root: "", current: "home")
        context["description"] = manifest.description ?? ""
        context["tracks"] = tracks
        context["schedule"] = schedule
        context["hasSchedule"] = !schedule.isEmpty
        context["moduleCount"] = shared.ordered.count
        context["competencyCount"] = curriculum.framework.competencies.count
        context["totalHours"] = Duration.hours(minutes: curriculum.totalMinutes)
        return theme.render("home", context)
    }

    func modulePage(_ module: Module, at position: Int, _ shared: SharedContext) -> String {
        let ordered = shared.ordered
        func link(_ other: Module) -> [String: Any] { ["title": other.title, "url": "\(other.id).html"] }
        let toc: [[String: Any]] = module.body.headings
            .filter { $0.level == 2 && $0.callout == nil }
            .map { ["text": $0.text, "slug": $0.slug] }
        let track = curriculum.track(containing: module.id)
        var page = shared.page(title: module.title, root: "../", current: "module")
        page["description"] = module.summary
        var fields: [String: Any] = [
            "id": module.id,
            "title": module.title,
            "summary": module.summary,
            "duration": Duration.text(minutes: module.duration),
            "objectives": module.objectives,
            "prerequisites": module.prerequisites.compactMap { curriculum.module($0) }.map(link),
            "hasPrerequisites": !module.prerequisites.isEmpty,
            "competencies": module.competencies.compactMap { curriculum.framework.competency($0) }
                .map { ["id": $0.id, "title": $0.title, "url": "../competencies/\($0.id).html"] },
            "toc": toc,
            "hasToc": toc.count > 1,
            "body": ReaderHTML.finish(module.body.html[edition] ?? ""),
            "trackTitle": track?.title ?? "",
            "number": position + 1,
            "materials": module.materials,
            "hasMaterials": !module.materials.isEmpty && edition == .trainer,
        ]
        if let audience = module.audience { fields["audience"] = audience }
        if let version = module.version { fields["version"] = version }
        if let updated = module.updated { fields["updated"] = updated.description }
        if let reviewBy = module.reviewBy { fields["reviewBy"] = reviewBy.description }
        if position > 0 { fields["previous"] = link(ordered[position - 1]) }
        if position + 1 < ordered.count { fields["next"] = link(ordered[position + 1]) }
        page["module"] = fields
        return theme.render("module", page)
    }

    func competencyPage(_ competency: CompetencyFramework.Competency, _ shared: SharedContext) -> String {
        let framework = curriculum.framework
        let modules = shared.modulesByCompetency[competency.id] ?? []
        var page = shared.page(title: competency.title, root: "../", current: "competencies")
        page["description"] = competency.description
        page["competency"] = [
            "id": competency.id,
            "title": competency.title,
            "description": competency.description,
            "domain": framework.domains.first { $0.id == competency.domainID }?.title ?? "",
            "indicators": competency.indicators,
            "samhsa": competency.samhsa.map { ["number": $0, "name": framework.samhsaCategories[$0] ?? ""] },
            "hasSamhsa": !competency.samhsa.isEmpty,
            "modules": modules.map { ["title": $0.title, "url": "../modules/\($0.id).html", "duration": Duration.text(minutes: $0.duration)] },
            "hasModules": !modules.isEmpty,
        ] as [String: Any]
        page["scale"] = framework.scale.map { ["name": $0.name, "description": $0.description] }
        return theme.render("competency", page)
    }

    func competencyMapPage(_ shared: SharedContext) -> String {
        let framework = curriculum.framework
        let domains = framework.domains
        let rows: [[String: Any]] = shared.ordered.map { module in
            let built = Set(module.competencies)
            return [
                "title": module.title,
                "url": "modules/\(module.id).html",
                "cells": domains.map { domain -> [String: Any] in
                    let competencies = domain.competencies.filter { built.contains($0.id) }
                    return ["competencies": competencies.map { ["title": $0.title, "url": "competencies/\($0.id).html"] },
                            "empty": competencies.isEmpty]
                },
            ]
        }
        let samhsa: [[String: Any]] = framework.samhsaCategories.keys.sorted().map { number in
            let mapped = framework.competencies.filter { $0.samhsa.contains(number) }
            return ["number": number, "name": framework.samhsaCategories[number] ?? "",
                    "competencies": mapped.map { ["title": $0.title, "url": "competencies/\($0.id).html"] },
                    "covered": !mapped.isEmpty]
        }
        var page = shared.page(title: "Competency map", root: "", current: "competencies")
        page["description"] = "Which modules build which competencies of \(framework.title)."
        page["framework"] = ["title": framework.title, "version": framework.version ?? ""]
        page["domains"] = domains.map { domain -> [String: Any] in
            ["id": domain.id, "title": domain.title,
             "competencies": domain.competencies.map { competency -> [String: Any] in
                ["title": competency.title, "url": "competencies/\(competency.id).html",
                 "moduleCount": shared.modulesByCompetency[competency.id]?.count ?? 0]
             }]
        }
        page["rows"] = rows
        page["scale"] = framework.scale.map { ["name": $0.name, "description": $0.description] }
        page["samhsa"] = samhsa
        page["hasSamhsa"] = !samhsa.isEmpty
        return theme.render("competency-map", page)
    }

    func facilitatorPage(_ shared: SharedContext) -> String {
        var elapsed = 0
        let rows: [[String: Any]] = shared.ordered.enumerated().map { position, module in
            elapsed += module.duration
            return [
                "number": position + 1,
                "title": module.title,
                "url": "modules/\(module.id).html",
                "track": curriculum.track(containing: module.id)?.title ?? "",
                "duration": Duration.text(minutes: module.duration),
                "elapsed": Duration.text(minutes: elapsed),
                "materials": module.materials,
                "scenarios": module.body.callouts.filter { $0.kind == .scenario }.count,
                "trainerNotes": module.body.callouts.filter { $0.kind == .trainerNote }.count,
                "reviewBy": module.reviewBy?.description ?? "",
            ]
        }
        var page = shared.page(title: "Facilitator overview", root: "", current: "facilitator")
        page["description"] = "Timing, materials and activities for each module."
        page["rows"] = rows
        page["totalHours"] = Duration.hours(minutes: curriculum.totalMinutes)
        page["schedule"] = curriculum.manifest.schedule.map { ["day": $0.day, "focus": $0.focus] }
        page["hasSchedule"] = !curriculum.manifest.schedule.isEmpty
        return theme.render("facilitator", page)
    }

    func searchPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Search", root: "", current: "search")
        page["description"] = "Search every module's objectives, sections and text."
        return theme.render("search", page)
    }

    /// Every module in teaching order on one page: the whole-curriculum handout.
    func manualPage(_ shared: SharedContext) -> String {
        let moduleIDs = Set(shared.ordered.map(\.id))
        let modules: [[String: Any]] = shared.ordered.enumerated().map { position, module in
            var fields: [String: Any] = [
                "id": module.id,
                "anchor": ManualBody.anchor(forModule: module.id),
                "title": module.title,
                "summary": module.summary,
                "number": position + 1,
                "trackTitle": curriculum.track(containing: module.id)?.title ?? "",
                "duration": Duration.text(minutes: module.duration),
                "objectives": module.objectives,
                "competencies": module.competencies.compactMap { curriculum.framework.competency($0)?.title }.joined(separator: ", "),
                "materials": module.materials,
                "hasMaterials": !module.materials.isEmpty && edition == .trainer,
                "body": ManualBody.rewrite(ReaderHTML.finish(module.body.html[edition] ?? ""), moduleID: module.id, moduleIDs: moduleIDs),
            ]
            if let version = module.version { fields["version"] = version }
            return fields
        }
        var page = shared.page(title: "The whole curriculum", root: "", current: "manual")
        page["description"] = "Every module of \(curriculum.manifest.title) on one page, for printing."
        page["modules"] = modules
        page["totalHours"] = Duration.hours(minutes: curriculum.totalMinutes)
        return theme.render("manual", page)
    }

    /// Where the one-page curriculum goes; `trellis build --pdf` prints it to `pdf/manual.pdf`.
    public static let manualPath = "manual.html"

    func notFoundPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Page not found", root: "", current: "")
        page["description"] = "This page does not exist."
        return theme.render("not-found", page)
    }
}

private struct IndexedModule: Sendable {
    var position: Int
    var module: Module
}

/// What every page of one edition shares, computed once per build.
struct SharedContext: Sendable {
    let curriculum: Curriculum
    let edition: Edition
    let ordered: [Module]
    let modulesByCompetency: [String: [Module]]
    let options: SiteOptions

    init(curriculum: Curriculum, edition: Edition, ordered: [Module], options: SiteOptions) {
        self.curriculum = curriculum
        self.edition = edition
        self.ordered = ordered
        self.modulesByCompetency = curriculum.modulesByCompetency
        self.options = options
    }

    func page(title: String, root: String, current: String) -> [String: Any] {
        [
            "pageTitle": title,
            "root": root,
            "site": ["title": curriculum.manifest.title, "organization": curriculum.manifest.organization ?? ""],
            "edition": edition.rawValue,
            "editionTitle": edition.title,
            "isTrainer": edition == .trainer,
            "current": [current: true],
            "searchAvailable": options.searchLibrary != nil,
            "hasPDFs": options.linksPDFHandouts,
        ]
    }
}

/// Human-readable durations for the pages.
enum Duration {
    static func text(minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        switch (hours, rest) {
        case (0, _): return "\(rest) min"
        case (_, 0): return "\(hours) h"
        default: return "\(hours) h \(rest) min"
        }
    }

    /// `31.5` hours; whole numbers without a decimal.
    static func hours(minutes: Int) -> String {
        let tenths = (minutes * 10 + 30) / 60
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
