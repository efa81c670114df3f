import TrellisModel
import TrellisMarkdown

/// Checks of what sits beside the modules: handouts, the glossary and the day-by-day schedule.
extension CurriculumChecker {
    func checkHandout(_ handout: Handout, in curriculum: Curriculum) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for (index, moduleID) in handout.moduleIDs.enumerated() where curriculum.module(moduleID) == nil {
            diagnostics.append(.error(at: handout.location(of: "modules[\(index)]"), "handout `\(handout.id)` names unknown module `\(moduleID)`",
                                      remedy: suggestion(moduleID, among: curriculum.modules.map(\.id), noun: "module")
                                        + "use the id of a module in modules/, or remove it"))
        }
        if handout.id == "index" {
            diagnostics.append(.error(at: handout.location(of: "id"), "a handout cannot be called `index`: `handouts/index.html` lists the handouts",
                                      remedy: "rename the file and its id, e.g. to `index-card`"))
        }
        if let reviewBy = handout.reviewBy, reviewBy < today {
            diagnostics.append(.warning(at: handout.location(of: "review_by"),
                                        "review date \(reviewBy) has passed: this handout's policy content may be out of date",
                                        remedy: "re-check the content against current law and policy, then set a new `review_by` and `updated` date"))
        }
        if curriculum.module(handout.id) != nil {
            // Different folders, so no clash on disk; a reader searching would still see two pages of one name.
            diagnostics.append(.warning(at: handout.location(of: "id"), "handout `\(handout.id)` has the same id as a module",
                                        remedy: "give the handout its own id, e.g. `\(handout.id)-worksheet`"))
        }
        checkBody(handout.body, path: handout.path, folder: .handouts, trainersOnly: handout.trainersOnly, in: curriculum, &diagnostics)
        return diagnostics
    }

    /// Terms need distinct ids, and a phrase (term or alias) may stand for one term only, or the
    /// first-use links would depend on the order of the file.
    func checkGlossary(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        guard let glossary = curriculum.glossary else { return }
        var ids = Set<String>()
        var phrases: [String: String] = [:]
        for term in glossary.terms {
            if !term.id.isEmpty, !ids.insert(term.id).inserted {
                diagnostics.append(.error(at: term.location, "duplicate glossary term id `\(term.id)`", remedy: "give each term its own id"))
            }
            for phrase in term.phrases {
                let key = phrase.lowercased()
                if let other = phrases[key], other != term.id {
                    diagnostics.append(.error(at: term.location, "`\(phrase)` stands for two glossary terms, `\(other)` and `\(term.id)`",
                                              remedy: "keep the word or alias in one term only"))
                } else {
                    phrases[key] = term.id
                }
            }
        }
    }

    /// A schedule that names modules day by day: each module known, taught once, and after its prerequisites.
    func checkSchedule(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        let schedule = curriculum.manifest.schedule
        var day: [String: Int] = [:]
        for (index, entry) in schedule.enumerated() {
            for (moduleID, location) in zip(entry.moduleIDs, entry.moduleLocations) {
                if curriculum.module(moduleID) == nil {
                    diagnostics.append(.error(at: location, "schedule entry `\(entry.day)` names unknown module `\(moduleID)`",
                                              remedy: suggestion(moduleID, among: curriculum.modules.map(\.id), noun: "module")
                                                + "use the id of a module in modules/"))
                } else if let other = day[moduleID] {
                    diagnostics.append(.warning(at: location, "module `\(moduleID)` is scheduled twice (also on `\(schedule[other].day)`)",
                                                remedy: "schedule each module on one day"))
                } else {
                    day[moduleID] = index
                }
            }
        }
        guard !day.isEmpty else { return }
        let manifestStart = SourceLocation(path: curriculum.manifest.path, line: 1, column: 1)
        for module in curriculum.modulesInTrackOrder where day[module.id] == nil {
            diagnostics.append(.warning(at: schedule.first?.location ?? manifestStart, "module `\(module.id)` is on no day of the schedule",
                                        remedy: "add `\(module.id)` to a schedule entry's `modules:`"))
        }
        for module in curriculum.modules {
            guard let own = day[module.id] else { continue }
            for prerequisite in module.prerequisites {
                if let other = day[prerequisite], other > own {
                    diagnostics.append(.warning(at: schedule[own].location,
                                                "`\(module.id)` is scheduled on `\(schedule[own].day)`, before its prerequisite `\(prerequisite)` (`\(schedule[other].day)`)",
                                                remedy: "move `\(prerequisite)` to an earlier day, or `\(module.id)` to a later one"))
                }
            }
        }
    }
}
