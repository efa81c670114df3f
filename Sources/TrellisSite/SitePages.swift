import Foundation
import TrellisTemplates
import TrellisModel

/// The pages of the site, each rendered from its template and the shared context.
extension EditionRenderer {
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
        let schedule = scheduleRows(root: "")
        var context = shared.page(title: manifest.title, root: "", current: "home")
        context["description"] = .text(manifest.description ?? "")
        context["tracks"] = .list(tracks)
        context["schedule"] = .list(schedule)
        context["hasSchedule"] = .flag(!schedule.isEmpty)
        context["moduleCount"] = .number(shared.ordered.count)
        context["competencyCount"] = .number(curriculum.framework.competencies.count)
        context["totalHours"] = .text(Duration.hours(minutes: curriculum.totalMinutes))
        context["hasHandouts"] = .flag(!publishedHandouts.isEmpty)
        context["handoutCount"] = .number(publishedHandouts.count)
        context["hasGlossary"] = .flag(curriculum.glossary != nil)
        return theme.render("home", context)
    }

    /// The schedule's days: the modules a day names (linked), else its tracks, and the classroom minutes.
    func scheduleRows(root: String) -> [TemplateValue] {
        let manifest = curriculum.manifest
        return manifest.schedule.map { entry in
            let modules = entry.moduleIDs.compactMap { curriculum.module($0) }
            let trackModules = entry.trackIDs.compactMap { id in manifest.tracks.first { $0.id == id } }
                .flatMap { $0.moduleIDs.compactMap { curriculum.module($0) } }
            let minutes = (modules + trackModules).reduce(0) { $0 + $1.duration }
            return ["day": .text(entry.day), "focus": .text(entry.focus),
                    "tracks": .text(entry.trackIDs.compactMap { id in manifest.tracks.first { $0.id == id }?.title }.joined(separator: ", ")),
                    "modules": .list(modules.map { ["title": .text($0.title), "url": "\(root)modules/\($0.id).html",
                                                    "duration": .text(Duration.text(minutes: $0.duration))] }),
                    "hasModules": .flag(!modules.isEmpty),
                    "duration": .text(minutes > 0 ? Duration.text(minutes: minutes) : "")]
        }
    }

    func modulePage(_ module: Module, at position: Int, _ shared: SharedContext) -> String {
        let ordered = shared.ordered
        func link(_ other: Module) -> TemplateValue { ["title": .text(other.title), "url": "\(other.id).html"] }
        let toc: [TemplateValue] = module.body.headings
            .filter { $0.level == 2 && $0.callout == nil }
            .map { ["text": .text($0.text), "slug": .text($0.slug)] }
        let trackTitle = shared.trackTitle(of: module.id)
        let body = module.body.html(for: edition) ?? ""
        let handouts = curriculum.handouts(for: module.id, in: edition)
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
                .map { ["id": .text($0.id), "title": .text($0.title), "url": "../competencies/\($0.pageName).html"] }),
            "rubrics": rubrics(of: module, root: "../"),
            "hasRubrics": .flag(hasRubrics(module)),
            "toc": .list(toc),
            "hasToc": .flag(toc.count > 1),
            "body": .text(body),
            "trackTitle": .text(trackTitle),
            "number": .number(position + 1),
            "materials": .texts(module.materials),
            "hasMaterials": .flag(!module.materials.isEmpty && edition == .trainer),
            "handouts": .list(handouts.map { ["title": .text($0.title), "url": "../handouts/\($0.id).html", "summary": .text($0.summary),
                                              "trainersOnly": .flag($0.trainersOnly)] }),
            "hasHandouts": .flag(!handouts.isEmpty),
        ]
        if let audience = module.audience { fields["audience"] = .text(audience) }
        if let version = module.version { fields["version"] = .text(version) }
        if let updated = module.updated { fields["updated"] = .text(updated.description) }
        if let reviewBy = module.reviewBy { fields["reviewBy"] = .text(reviewBy.description) }
        if position > 0 { fields["previous"] = link(ordered[position - 1]) }
        if position + 1 < ordered.count { fields["next"] = link(ordered[position + 1]) }
        page["module"] = .object(fields)
        return theme.render("module", page)
    }

    /// The rubrics of the competencies a module builds, for `{{#rubrics}}{{title}} {{#levels}}…{{/levels}}{{/rubrics}}`.
    func rubrics(of module: Module, root: String) -> TemplateValue {
        .list(module.competencies.compactMap { curriculum.framework.competency($0) }.filter { !$0.rubric.isEmpty }.map {
            ["id": .text($0.id), "title": .text($0.title), "url": "\(root)competencies/\($0.pageName).html", "levels": rubric(of: $0)]
        })
    }

    func hasRubrics(_ module: Module) -> Bool {
        module.competencies.contains { curriculum.framework.competency($0)?.rubric.isEmpty == false }
    }

    /// A competency's rubric anchors in scale order, as `{{#rubric}}{{level}}: {{text}}{{/rubric}}`.
    func rubric(of competency: CompetencyFramework.Competency) -> TemplateValue {
        .list(curriculum.framework.scale.compactMap { level in
            competency.rubric[level.id].map { ["level": .text(level.name), "text": .text($0)] }
        })
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
            "rubric": rubric(of: competency),
            "hasRubric": .flag(!competency.rubric.isEmpty),
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
            competencyLinks[competency.id] = ["title": .text(competency.title), "url": "competencies/\(competency.pageName).html"]
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
                ["title": .text(competency.title), "url": "competencies/\(competency.pageName).html",
                 "moduleCount": .number(shared.modulesByCompetency[competency.id]?.count ?? 0),
                 "modules": .list((shared.modulesByCompetency[competency.id] ?? []).map {
                     ["title": .text($0.title), "url": "modules/\($0.id).html"]
                 })]
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
        page["schedule"] = .list(scheduleRows(root: ""))
        page["hasSchedule"] = .flag(!curriculum.manifest.schedule.isEmpty)
        return theme.render("facilitator", page)
    }

    func searchPage(_ shared: SharedContext) -> String {
        var page = shared.page(title: "Search", root: "", current: "search")
        page["description"] = "Search every module's objectives, sections and text."
        return theme.render("search", page)
    }

    /// Every module in teaching order on one page: the whole-curriculum handout.
    func manualPage(_ shared: SharedContext) -> String {
        let moduleIDs = Set(shared.ordered.map(\.id)), edition = self.edition
        let bodies = shared.ordered.concurrentMap { module in
            ManualBody.rewrite(module.body.html(for: edition) ?? "", moduleID: module.id, moduleIDs: moduleIDs)
        }
        return theme.render("manual", manualPageContext(shared, bodies: bodies))
    }

    /// The manual's template context, with each module's body.
    func manualPageContext(_ shared: SharedContext, bodies: [String]) -> TemplateObject {
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
                "body": .text(bodies[position]),
                "rubrics": rubrics(of: module, root: ""),
                "hasRubrics": .flag(hasRubrics(module)),
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
