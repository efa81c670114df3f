import TrellisModel
import TrellisMarkdown
import Foundation

/// Checks what no single file can check alone: ids that must exist, tracks that must place
/// every module, prerequisites without cycles, links that must resolve, dates that passed.
public struct CurriculumChecker: Sendable {
    /// "Today", for `review_by` dates; injected so checks are reproducible.
    public var today: CalendarDate
    public var fileExists: @Sendable (String) -> Bool

    public init(today: CalendarDate, fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) {
        self.today = today
        self.fileExists = fileExists
    }

    public func check(_ curriculum: Curriculum) -> [Diagnostic] {
        let wide = checkCurriculumWide(curriculum)
        return wide.before + curriculum.modules.flatMap { checkModule($0, in: curriculum) }
            + curriculum.handouts.flatMap { checkHandout($0, in: curriculum) } + wide.after
    }

    /// What `check` reports about one module: its references and its body. The incremental
    /// build keeps each module's result while neither the module nor what it refers to changes.
    func checkModule(_ module: Module, in curriculum: Curriculum) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        checkReferences(of: module, in: curriculum, &diagnostics)
        checkBody(module.body, path: module.path, folder: .modules, trainersOnly: false, in: curriculum, &diagnostics)
        return diagnostics
    }

    /// What `check` reports about the curriculum as a whole (ids, framework, tracks; then
    /// prerequisite cycles), in the order `check` reports it around the modules' own results.
    func checkCurriculumWide(_ curriculum: Curriculum) -> (before: [Diagnostic], after: [Diagnostic]) {
        var before: [Diagnostic] = [], after: [Diagnostic] = []
        checkModuleIDs(curriculum, &before)
        checkFramework(curriculum, &before)
        checkCompletion(curriculum, &before)
        checkRenewal(curriculum, &before)
        checkTracks(curriculum, &before)
        checkSchedule(curriculum, &before)
        checkGlossary(curriculum, &before)
        checkPrerequisiteCycles(curriculum, &after)
        return (before, after)
    }

    private func checkModuleIDs(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        var firstPath: [String: String] = [:]
        for module in curriculum.modules {
            if let other = firstPath[module.id] {
                diagnostics.append(.error(at: module.location(of: "id"), "duplicate module id `\(module.id)` (also used by \(other))",
                                          remedy: "give each module its own id, matching its file name"))
            } else {
                firstPath[module.id] = module.path
            }
        }
    }

    private func checkFramework(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        let framework = curriculum.framework
        let builtBy = curriculum.modulesByCompetency
        var seen: [String: String] = [:]  // page name → the first id with it
        for competency in framework.competencies {
            if let first = seen[competency.pageName] {
                diagnostics.append(.error(at: competency.location,
                                          first == competency.id ? "duplicate competency id `\(competency.id)`"
                                              : "competency ids `\(first)` and `\(competency.id)` differ only by case, so their pages would be one",
                                          remedy: "give each competency its own id"))
            } else {
                seen[competency.pageName] = competency.id
            }
            if !Identifier.isValidCode(competency.id) {
                diagnostics.append(.error(at: competency.location, "competency id `\(competency.id)` is not a valid id",
                                          remedy: "use letters, digits, and single `-`, `_` or `.` between them, e.g. role-clarity or C-COM-001"))
            }
            if builtBy[competency.id] == nil, !curriculum.modules.isEmpty, curriculum.modules.allSatisfy(\.hasReadableFrontMatter),
               !isRequired(competency.id, in: framework) {
                diagnostics.append(.warning(at: competency.location, "no module builds competency `\(competency.id)`",
                                            remedy: "list it under `competencies:` in the modules that teach it, or remove it"))
            }
        }
        var levels = Set<String>()
        for level in framework.scale where !levels.insert(level.id).inserted {
            diagnostics.append(.error(at: SourceLocation(path: framework.path, line: 1, column: 1), "duplicate scale level `\(level.id)`",
                                      remedy: "give each proficiency level its own id"))
        }
        var domains = Set<String>()
        for domain in framework.domains where !domains.insert(domain.id).inserted {
            diagnostics.append(.error(at: domain.location, "duplicate domain id `\(domain.id)`", remedy: "give each domain its own id"))
        }
    }

    private func checkTracks(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        let manifest = curriculum.manifest
        var placement: [String: String] = [:]
        var trackIDs = Set<String>()
        var position: [String: Int] = [:]
        for track in manifest.tracks {
            if !trackIDs.insert(track.id).inserted {
                diagnostics.append(.error(at: track.location, "duplicate track id `\(track.id)`", remedy: "give each track its own id"))
            }
            for (moduleID, location) in zip(track.moduleIDs, track.moduleLocations) {
                if curriculum.module(moduleID) == nil {
                    diagnostics.append(.error(at: location, "track `\(track.id)` lists `\(moduleID)`, but there is no module with that id",
                                              remedy: suggestion(moduleID, among: curriculum.modules.map(\.id), noun: "module")
                                                + "create modules/\(moduleID).md or remove the entry"))
                } else if let other = placement[moduleID] {
                    diagnostics.append(.error(at: location, "module `\(moduleID)` is placed twice (also in track `\(other)`)",
                                              remedy: "list each module in exactly one track"))
                } else {
                    placement[moduleID] = track.id
                    position[moduleID] = position.count
                }
            }
        }
        for module in curriculum.modules where placement[module.id] == nil {
            diagnostics.append(.error(at: module.location(of: "id"), "module `\(module.id)` is not placed in any track",
                                      remedy: "add `\(module.id)` to a track's `modules:` in \(manifest.path)"))
        }
        for entry in manifest.schedule {
            for trackID in entry.trackIDs where !trackIDs.contains(trackID) {
                diagnostics.append(.error(at: entry.location, "schedule entry `\(entry.day)` names unknown track `\(trackID)`",
                                          remedy: "use a track id: \(manifest.tracks.map(\.id).joined(separator: ", "))"))
            }
        }
        // A prerequisite that is taught later than the module that needs it confuses trainees.
        for module in curriculum.modules {
            guard let own = position[module.id] else { continue }
            for (index, prerequisite) in module.prerequisites.enumerated() {
                if let other = position[prerequisite], other > own {
                    diagnostics.append(.warning(at: module.location(of: "prerequisites[\(index)]"),
                                                "prerequisite `\(prerequisite)` comes after `\(module.id)` in the track order",
                                                remedy: "move `\(prerequisite)` earlier in \(manifest.path)"))
                }
            }
        }
    }

    private func checkReferences(of module: Module, in curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        var seen = Set<String>()
        for (index, competency) in module.competencies.enumerated() {
            let location = module.location(of: "competencies[\(index)]")
            if !curriculum.framework.defines(competency: competency) {
                diagnostics.append(.error(at: location, "unknown competency `\(competency)`",
                                          remedy: suggestion(competency, among: curriculum.framework.competencies.map(\.id), noun: "competency")
                                            + "use an id from \(curriculum.framework.path)"))
            } else if !seen.insert(competency).inserted {
                diagnostics.append(.warning(at: location, "competency `\(competency)` is listed twice", remedy: "remove the repeat"))
            }
        }
        if module.competencies.isEmpty, module.locations["competencies"] != nil {
            diagnostics.append(.warning(at: module.location(of: "competencies"), "module builds no competency",
                                        remedy: "list the competencies from \(curriculum.framework.path) that this module builds"))
        }
        for (index, prerequisite) in module.prerequisites.enumerated() {
            let location = module.location(of: "prerequisites[\(index)]")
            if prerequisite == module.id {
                diagnostics.append(.error(at: location, "module `\(module.id)` lists itself as a prerequisite", remedy: "remove it"))
            } else if curriculum.module(prerequisite) == nil {
                diagnostics.append(.error(at: location, "unknown prerequisite `\(prerequisite)`",
                                          remedy: suggestion(prerequisite, among: curriculum.modules.map(\.id), noun: "module")
                                            + "use the id of a module in modules/"))
            }
        }
        if let reviewBy = module.reviewBy, reviewBy < today {
            diagnostics.append(.warning(at: module.location(of: "review_by"),
                                        "review date \(reviewBy) has passed: this module's policy content may be out of date",
                                        remedy: "re-check the content against current law and policy, then set a new `review_by` and `updated` date"))
        }
    }

    /// The body of a module or handout: callouts, headings, and links (read from the file's `folder`).
    /// A page that trainees read may link to a trainers-only handout only from a trainer note.
    func checkBody(_ body: ModuleBody, path: String, folder: LinkTarget.Folder, trainersOnly: Bool, in curriculum: Curriculum,
                   _ diagnostics: inout [Diagnostic]) {
        func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(path: path, line: line, column: column) }
        for callout in body.callouts where callout.kind == nil {
            diagnostics.append(.error(at: at(callout.line, callout.column), "unknown callout kind `[!\(callout.marker)]`",
                                      remedy: suggestion(callout.marker, among: CalloutKind.allCases.map(\.rawValue), noun: "kind")
                                        + "use one of \(CalloutKind.allowedList)"))
        }
        for heading in body.headings where heading.level == 1 {
            diagnostics.append(.warning(at: at(heading.line, heading.column), "level-1 heading `\(heading.text)` in the body",
                                        remedy: "start body headings at `##`: the page's title is its only level-1 heading"))
        }
        var previousLevel = 1
        for heading in body.headings where heading.callout == nil {
            if heading.level > previousLevel + 1 {
                diagnostics.append(.warning(at: at(heading.line, heading.column),
                                            "heading level jumps from \(previousLevel) to \(heading.level) at `\(heading.text)`",
                                            remedy: "use `\(String(repeating: "#", count: previousLevel + 1))` so headings go down one level at a time"))
            }
            previousLevel = heading.level
        }
        let anchors = body.anchors
        for link in body.links {
            let location = at(link.line, link.column)
            let noun = link.isImage ? "image" : "link"
            if link.isImage, link.text.trimmingWhitespace.isEmpty {
                diagnostics.append(.warning(at: location, "image `\(link.url)` has no alternative text",
                                            remedy: "describe the image for readers who cannot see it: `![What it shows](\(link.url))`"))
            }
            switch LinkTarget.resolve(link.url, from: folder) {
            case .external:
                if link.url.lowercased().hasPrefix("javascript:") {
                    diagnostics.append(.warning(at: location, "\(noun) uses a `javascript:` URL, which is removed from the site",
                                                remedy: "link to a page or file instead"))
                }
            case .sameModule(let fragment):
                if !fragment.isEmpty, !anchors.contains(fragment), !fragment.hasPrefix("fn") {
                    diagnostics.append(.error(at: location, "\(noun) to `#\(fragment)`, but this module has no such heading",
                                              remedy: suggestion(fragment, among: Array(anchors), noun: "anchor")
                                                + "link to a heading's anchor (its text in lowercase with hyphens)"))
                }
            case .module(let id, let fragment):
                guard let target = curriculum.module(id) else {
                    diagnostics.append(.error(at: location, "\(noun) to missing module `\(id).md`",
                                              remedy: suggestion(id, among: curriculum.modules.map(\.id), noun: "module")
                                                + "link to an existing module file in modules/"))
                    continue
                }
                if let fragment, !fragment.isEmpty, !target.body.hasAnchor(fragment) {
                    diagnostics.append(.error(at: location, "\(noun) to `\(id).md#\(fragment)`, but `\(id)` has no such heading",
                                              remedy: suggestion(fragment, among: Array(target.body.anchors), noun: "anchor")
                                                + "use the anchor of one of its headings"))
                }
            case .handout(let id, let fragment):
                guard let target = curriculum.handout(id) else {
                    diagnostics.append(.error(at: location, "\(noun) to missing handout `\(id).md`",
                                              remedy: suggestion(id, among: curriculum.handouts.map(\.id), noun: "handout")
                                                + "link to an existing file in handouts/, e.g. `../handouts/<id>.md`"))
                    continue
                }
                if let fragment, !fragment.isEmpty, !target.body.hasAnchor(fragment) {
                    diagnostics.append(.error(at: location, "\(noun) to `\(id).md#\(fragment)`, but handout `\(id)` has no such heading",
                                              remedy: suggestion(fragment, among: Array(target.body.anchors), noun: "anchor")
                                                + "use the anchor of one of its headings"))
                }
                if target.trainersOnly, !trainersOnly, !link.inTrainerNote {
                    diagnostics.append(.error(at: location, "\(noun) to trainers-only handout `\(id)` from text that trainees read",
                                              remedy: "move the link into a `> [!TRAINER-NOTE]` callout, or set `trainers_only: false` in the handout"))
                }
            case .asset(let path):
                if !fileExists(join(curriculum.directory, path)) {
                    diagnostics.append(.error(at: location, "\(noun) to missing file `\(path)`",
                                              remedy: "add the file to \(join(curriculum.directory, "assets")) or fix the path (it is relative to the file it is in)"))
                }
            case .unpublished(let path):
                diagnostics.append(.error(at: location, "\(noun) to `\(path)`, which is not published with the site",
                                          remedy: "put files for readers under assets/ and link to them as `../assets/…`; link to modules as `../modules/<id>.md` and handouts as `../handouts/<id>.md`"))
            case .outsideCurriculum:
                diagnostics.append(.error(at: location, "\(noun) to `\(link.url)` leaves the curriculum folder or is an absolute path",
                                          remedy: "use a path relative to the file it is in, such as `../assets/map.png` or `../modules/engage.md`"))
            }
        }
    }

    /// Reports each prerequisite cycle once, naming every module in it.
    private func checkPrerequisiteCycles(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var stack: [String] = []
        var reported = Set<Set<String>>()

        func visit(_ id: String) {
            guard let module = curriculum.module(id) else { return }
            marks[id] = .visiting
            stack.append(id)
            for (index, prerequisite) in module.prerequisites.enumerated() where prerequisite != id && curriculum.module(prerequisite) != nil {
                switch marks[prerequisite] {
                case .visiting:
                    let start = stack.lastIndex(of: prerequisite)!
                    let cycle = Array(stack[start...])
                    if reported.insert(Set(cycle)).inserted {
                        let names = (cycle + [prerequisite]).joined(separator: " → ")
                        diagnostics.append(.error(at: module.location(of: "prerequisites[\(index)]"), "prerequisite cycle: \(names)",
                                                  remedy: "remove one of these prerequisites so the modules can be taken in some order"))
                    }
                case .done:
                    continue
                case nil:
                    visit(prerequisite)
                }
            }
            stack.removeLast()
            marks[id] = .done
        }
        for module in curriculum.modules where marks[module.id] == nil { visit(module.id) }
    }

    func suggestion(_ value: String, among candidates: [String], noun: String) -> String {
        guard let best = candidates.sorted().min(by: { editDistance($0, value) < editDistance($1, value) }),
              editDistance(best, value) <= max(2, value.count / 3) else { return "" }
        return "did you mean \(noun) `\(best)`? "
    }
}
