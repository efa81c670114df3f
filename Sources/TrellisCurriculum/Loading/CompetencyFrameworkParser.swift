import TrellisModel
import TrellisMarkdown
import Yams

/// Reads `competencies.yml` into a `CompetencyFramework`, reporting every problem with its position.
enum CompetencyFrameworkParser {
    static func parse(_ text: String, path: String, diagnostics: inout [Diagnostic]) -> CompetencyFramework {
        var reader = YAMLReader(path: path)
        defer { diagnostics += reader.diagnostics }
        var framework = CompetencyFramework(title: "Competencies", scale: [], domains: [], samhsaCategories: [:],
                                            progression: nil, path: path)
        guard let root = reader.parse(text), let mapping = reader.mapping(root, what: "competencies.yml") else { return framework }
        reader.reportUnknownKeys(in: mapping, known: CompetencyFramework.fields, what: "competencies.yml")
        framework.title = reader.string(mapping, "title", required: false, what: "competencies.yml") ?? framework.title
        framework.version = reader.string(mapping, "version", required: false, what: "competencies.yml")

        if let scale = mapping["scale"]?.sequence {
            for levelNode in scale {
                guard let level = reader.mapping(levelNode, what: "a scale level") else { continue }
                reader.reportUnknownKeys(in: level, known: ["id", "name", "description"], what: "a scale level")
                let id = reader.string(level, "id", required: true, what: "a scale level") ?? ""
                framework.scale.append(.init(
                    id: id,
                    name: reader.string(level, "name", required: true, what: "scale level `\(id)`") ?? id,
                    description: reader.string(level, "description", required: true, what: "scale level `\(id)`") ?? ""))
            }
        } else {
            reader.error(mapping["scale"] ?? root, "competencies.yml needs a `scale`: a list of proficiency levels, lowest first",
                         remedy: "add `scale:` with items `- id: aware`, `name: Aware`, `description: …`")
        }

        if let categories = mapping["samhsa_categories"] {
            for (key, value) in categories.mapping ?? [:] {
                guard let number = key.int, let name = value.string else {
                    reader.error(key, "each `samhsa_categories` entry must be `<number>: <name>`", remedy: "write e.g. `1: Engages peers in collaborative and caring relationships`")
                    continue
                }
                framework.samhsaCategories[number] = name
            }
        }

        if let domains = mapping["domains"]?.sequence {
            for domainNode in domains {
                guard let domain = reader.mapping(domainNode, what: "a domain") else { continue }
                reader.reportUnknownKeys(in: domain, known: ["id", "title", "competencies"], what: "a domain")
                let domainID = reader.string(domain, "id", required: true, what: "a domain") ?? ""
                var parsed = CompetencyFramework.Domain(
                    id: domainID,
                    title: reader.string(domain, "title", required: true, what: "domain `\(domainID)`") ?? domainID,
                    competencies: [], location: reader.location(of: domainNode))
                for competencyNode in domain["competencies"]?.sequence ?? [] {
                    guard let competency = reader.mapping(competencyNode, what: "a competency") else { continue }
                    reader.reportUnknownKeys(in: competency, known: ["id", "title", "description", "indicators", "samhsa", "rubric"], what: "a competency")
                    let id = reader.string(competency, "id", required: true, what: "a competency") ?? ""
                    let what = "competency `\(id)`"
                    let indicators = reader.stringList(competency, "indicators", required: true, what: what) ?? []
                    if competency["indicators"] != nil, indicators.isEmpty {
                        reader.error(competency["indicators"], "competency `\(id)` has no indicators",
                                     remedy: "list 2–4 observable behaviours that show the competency")
                    }
                    var samhsa: [Int] = []
                    if let numbers = competency["samhsa"] {
                        for number in numbers.sequence ?? [numbers] {
                            guard let value = number.int else {
                                reader.error(number, "`samhsa` must list category numbers (1–12)", remedy: "write e.g. `samhsa: [1, 9]`")
                                continue
                            }
                            let known = framework.samhsaCategories.isEmpty ? Set(1...12) : Set(framework.samhsaCategories.keys)
                            if !known.contains(value) {
                                reader.error(number, "SAMHSA category \(value) does not exist",
                                             remedy: "use one of: \(known.sorted().map(String.init).joined(separator: ", "))")
                            }
                            samhsa.append(value)
                        }
                    }
                    parsed.competencies.append(.init(
                        id: id,
                        title: reader.string(competency, "title", required: true, what: what) ?? id,
                        description: reader.string(competency, "description", required: true, what: what) ?? "",
                        indicators: indicators.map(\.0), samhsa: samhsa,
                        rubric: parseRubric(competency["rubric"], of: id, framework: framework, reader: &reader), domainID: domainID,
                        location: reader.location(of: competency["id"] ?? competencyNode)))
                }
                if parsed.competencies.isEmpty {
                    reader.error(domainNode, "domain `\(domainID)` has no competencies", remedy: "add `competencies:` with at least one competency")
                }
                framework.domains.append(parsed)
            }
        } else {
            reader.error(mapping["domains"] ?? root, "competencies.yml needs `domains`: a list of domains with their competencies",
                         remedy: "add `domains:` with items `- id: …`, `title: …`, `competencies: [...]`")
        }

        if let progression = mapping["progression"] {
            framework.progression = parseProgression(progression, framework: framework, reader: &reader)
        }
        if let completion = mapping["completion"] {
            framework.namedCompletionSets = parseCompletionSets(completion, framework: framework, reader: &reader)
        }
        return framework
    }

    /// `rubric:` of one competency: a level id of the scale → what practice at that level looks like.
    private static func parseRubric(_ node: Node?, of competencyID: String, framework: CompetencyFramework,
                                    reader: inout YAMLReader) -> [String: String] {
        guard let node else { return [:] }
        guard let mapping = reader.mapping(node, what: "the rubric of competency `\(competencyID)`") else { return [:] }
        var rubric: [String: String] = [:]
        for (key, _) in mapping {
            let levelID = key.string ?? ""
            guard framework.levelIndex(levelID) != nil else {
                reader.error(key, "the rubric of competency `\(competencyID)` has an anchor for unknown level `\(levelID)`",
                             remedy: "use level ids from `scale`: \(framework.scale.map(\.id).joined(separator: ", "))")
                continue
            }
            rubric[levelID] = reader.string(mapping, levelID, required: true, what: "the rubric of competency `\(competencyID)`")
        }
        return rubric
    }

    private static func parseProgression(_ node: Node, framework: CompetencyFramework, reader: inout YAMLReader) -> CompetencyFramework.Progression? {
        guard let mapping = reader.mapping(node, what: "`progression`") else { return nil }
        reader.reportUnknownKeys(in: mapping, known: ["lapse_after_months", "completion_level", "renewal", "levels"], what: "`progression`")
        let completion = reader.string(mapping, "completion_level", required: false, what: "`progression`")
        if let completion, framework.levelIndex(completion) == nil {
            reader.error(mapping["completion_level"], "`completion_level` names unknown level `\(completion)`",
                         remedy: "use a level id from `scale`: \(framework.scale.map(\.id).joined(separator: ", "))")
        }
        let lapse = reader.integer(mapping, "lapse_after_months", required: false, what: "`progression`", range: 0...600) ?? 0
        var rules: [CompetencyFramework.LevelRule] = []
        let known = ["modules", "knowledge_check_min_score", "observed_practice", "observations_min", "observers_min",
                     "supervisor_signoff", "coaching_sessions"]
        for (key, value) in mapping["levels"]?.mapping ?? [:] {
            let levelID = key.string ?? ""
            if framework.levelIndex(levelID) == nil {
                reader.error(key, "progression rule for unknown level `\(levelID)`",
                             remedy: "use a level id from `scale`: \(framework.scale.map(\.id).joined(separator: ", "))")
            }
            var rule = CompetencyFramework.LevelRule(levelID: levelID, location: reader.location(of: key))
            guard let fields = reader.mapping(value, what: "the rule for level `\(levelID)`") else { continue }
            reader.reportUnknownKeys(in: fields, known: known, what: "the rule for level `\(levelID)`")
            if let modules = fields["modules"] {
                if let requirement = modules.string.flatMap(CompetencyFramework.LevelRule.ModuleRequirement.init(rawValue:)) {
                    rule.modules = requirement
                } else {
                    reader.error(modules, "`modules` must be `any`, `all` or `none`",
                                 remedy: "`all` needs every module that builds the competency; `any` needs at least one")
                }
            }
            rule.knowledgeCheckMinScore = reader.integer(fields, "knowledge_check_min_score", required: false, what: "", range: 0...100)
            if let level = reader.string(fields, "observed_practice", required: false, what: "") {
                if framework.levelIndex(level) == nil {
                    reader.error(fields["observed_practice"], "`observed_practice` names unknown level `\(level)`",
                                 remedy: "use a level id from `scale`: \(framework.scale.map(\.id).joined(separator: ", "))")
                }
                rule.observedPractice = level
            }
            rule.observationsMin = reader.integer(fields, "observations_min", required: false, what: "", range: 1...100) ?? 1
            rule.observersMin = reader.integer(fields, "observers_min", required: false, what: "", range: 1...100) ?? 1
            if rule.observedPractice == nil, fields["observations_min"] ?? fields["observers_min"] != nil {
                reader.error(fields["observations_min"] ?? fields["observers_min"], "`observations_min` and `observers_min` need `observed_practice`",
                             remedy: "add `observed_practice: <level>` to the rule for `\(levelID)`")
            }
            if rule.observersMin > rule.observationsMin, fields["observations_min"] != nil {
                reader.error(fields["observers_min"], "`observers_min` (\(rule.observersMin)) is more than `observations_min` (\(rule.observationsMin))",
                             remedy: "each observer makes at least one observation: raise `observations_min` or lower `observers_min`")
            }
            if let signoff = fields["supervisor_signoff"] {
                if let value = signoff.bool { rule.supervisorSignoff = value } else {
                    reader.error(signoff, "`supervisor_signoff` must be true or false", remedy: "write `supervisor_signoff: true`")
                }
            }
            rule.coachingSessions = reader.integer(fields, "coaching_sessions", required: false, what: "", range: 0...1000) ?? 0
            rules.append(rule)
        }
        rules.sort { (framework.levelIndex($0.levelID) ?? .max) < (framework.levelIndex($1.levelID) ?? .max) }
        for level in framework.scale where !rules.contains(where: { $0.levelID == level.id }) {
            reader.warning(mapping["levels"], "level `\(level.id)` has no progression rule, so no trainee can reach it",
                           remedy: "add a rule for `\(level.id)` under `progression.levels`")
        }
        let renewal = mapping["renewal"].flatMap { parseRenewal($0, framework: framework, reader: &reader) }
        return .init(lapseAfterMonths: lapse, rules: rules, completionLevel: completion, renewal: renewal)
    }

    /// `renewal:` — continuing-education category → the competencies it renews (a list, or `all`).
    private static func parseRenewal(_ node: Node, framework: CompetencyFramework, reader: inout YAMLReader) -> [String: [String]]? {
        guard let mapping = reader.mapping(node, what: "`progression.renewal`") else { return nil }
        var renewal: [String: [String]] = [:]
        for (key, value) in mapping {
            let category = (key.string ?? "").trimmingWhitespace.lowercased()
            if value.string == "all" {
                renewal[category] = framework.competencies.map(\.id)
                continue
            }
            var competencies: [String] = []
            for item in value.sequence ?? [] {
                let id = item.string ?? ""
                if framework.defines(competency: id) { competencies.append(id) } else {
                    reader.error(item, "continuing education in `\(category)` renews unknown competency `\(id)`",
                                 remedy: "use a competency id from `domains`, or `all`")
                }
            }
            if value.sequence == nil {
                reader.error(value, "`renewal.\(category)` must be a list of competency ids or `all`", remedy: "write e.g. `\(category): [role-clarity]`")
            }
            renewal[category] = competencies
        }
        return renewal
    }
}
