import TrellisModel
import Yams

extension CompetencyFrameworkParser {
    /// `completion:`, a list of named completion sets:
    ///
    ///     completion:
    ///       - id: peer-specialist
    ///         title: Parent peer specialist
    ///         level: competent            # default: progression.completion_level, else the highest
    ///         competencies: all           # or a list of competency ids
    ///         except: [supervising-peers]
    ///         levels: { dual-relationships: practicing }   # per-competency levels
    ///
    /// Whether each requirement can be met at all is `CurriculumChecker`'s question: it needs the modules.
    static func parseCompletionSets(_ node: Node, framework: CompetencyFramework, reader: inout YAMLReader) -> [CompletionSet] {
        guard let sequence = node.sequence, !sequence.isEmpty else {
            reader.error(node, "`completion` must be a list of completion sets",
                         remedy: "write each set as `- id: …` with `title:`, `level:` and `competencies:`")
            return []
        }
        let levelIDs = framework.scale.map(\.id).joined(separator: ", ")
        var sets: [CompletionSet] = []
        for setNode in sequence {
            guard let fields = reader.mapping(setNode, what: "a completion set") else { continue }
            reader.reportUnknownKeys(in: fields, known: ["id", "title", "level", "competencies", "except", "levels", "field_hours_min"],
                                     what: "a completion set")
            let id = reader.string(fields, "id", required: true, what: "a completion set") ?? ""
            let what = "completion set `\(id)`"
            if !id.isEmpty, !Identifier.isValid(id) {
                reader.error(fields["id"], "completion set id `\(id)` is not a valid id", remedy: "use lowercase letters, digits and single hyphens")
            }
            if sets.contains(where: { $0.id == id }) {
                reader.error(fields["id"], "duplicate completion set id `\(id)`", remedy: "give each completion set its own id")
            }
            let title = reader.string(fields, "title", required: true, what: what) ?? id
            var level = framework.progression?.completionLevel ?? framework.scale.last?.id ?? ""
            if let named = reader.string(fields, "level", required: false, what: what) {
                level = named
                if framework.levelIndex(named) == nil {
                    reader.error(fields["level"], "\(what) requires unknown level `\(named)`", remedy: "use a level id from `scale`: \(levelIDs)")
                }
            }

            var required: [String] = []
            if let competencies = fields["competencies"], competencies.string == "all" {
                required = framework.competencies.map(\.id)
            } else if let listed = reader.stringList(fields, "competencies", required: true, what: what) {
                for (competencyID, location) in listed {
                    if framework.defines(competency: competencyID) {
                        required.append(competencyID)
                    } else {
                        reader.error(at: location, "\(what) requires unknown competency `\(competencyID)`",
                                                         remedy: "use a competency id from `domains`, or `competencies: all`")
                    }
                }
            }
            for (competencyID, location) in reader.stringList(fields, "except", required: false, what: what) ?? [] {
                if !framework.defines(competency: competencyID) {
                    reader.error(at: location, "\(what) leaves out unknown competency `\(competencyID)`",
                                                     remedy: "use a competency id from `domains`")
                }
                required.removeAll { $0 == competencyID }
            }
            var levels: [String: String] = [:]
            if let overrides = fields["levels"], let mapping = reader.mapping(overrides, what: "`levels` of \(what)") {
                for (key, value) in mapping {
                    let competencyID = key.string ?? ""
                    let levelID = value.string ?? ""
                    if !required.contains(competencyID) {
                        reader.error(key, "\(what) sets a level for `\(competencyID)`, which it does not require",
                                     remedy: "require it under `competencies:`, or remove this line")
                    } else if framework.levelIndex(levelID) == nil {
                        reader.error(value, "\(what) requires unknown level `\(levelID)` of `\(competencyID)`",
                                     remedy: "use a level id from `scale`: \(levelIDs)")
                    } else {
                        levels[competencyID] = levelID
                    }
                }
            }
            if required.isEmpty, fields["competencies"] != nil {
                reader.error(fields["competencies"] ?? setNode, "\(what) requires no competency, so it would be complete on day one",
                             remedy: "list the competencies it requires, or `competencies: all`")
            }
            var fieldHours = 0.0
            if let node = fields["field_hours_min"] {
                if let hours = node.float ?? node.int.map(Double.init), hours.isFinite, (0...10_000).contains(hours) { fieldHours = hours } else {
                    reader.error(node, "`field_hours_min` of \(what) must be a number of hours from 0 to 10000",
                                 remedy: "write e.g. `field_hours_min: 40`")
                }
            }
            // Framework order, whatever order the file lists them in.
            let order = framework.competencies.map(\.id).filter { required.contains($0) }
            sets.append(CompletionSet(id: id, title: title,
                                      requirements: order.map { .init(competencyID: $0, levelID: levels[$0] ?? level) },
                                      fieldHoursMin: fieldHours, location: reader.location(of: fields["id"] ?? setNode)))
        }
        return sets
    }
}
