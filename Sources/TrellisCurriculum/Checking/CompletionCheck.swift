import TrellisModel

extension CurriculumChecker {
    /// Every completion set must be one a trainee can complete: each competency it requires is
    /// built by a module, and every level up to the one required has a progression rule (a
    /// level needs all the levels below it). A set that cannot be completed is an error, found
    /// here rather than by the first trainee who does everything and is still not complete.
    func checkCompletion(_ curriculum: Curriculum, _ diagnostics: inout [Diagnostic]) {
        let framework = curriculum.framework
        guard !framework.scale.isEmpty else { return }  // reported by the parser
        // A framework without `progression` (a curriculum not tracked) has no completion to
        // reach, unless it names completion sets.
        guard framework.progression != nil || !framework.namedCompletionSets.isEmpty else { return }
        let builtBy = curriculum.modulesByCompetency
        let ruled = Set(framework.progression?.rules.map(\.levelID) ?? [])
        for set in framework.completionSets {
            let name = set.id == CompletionSet.implicitID && framework.namedCompletionSets.isEmpty
                ? "the program's completion (every competency at its `completion_level`)" : "completion set `\(set.id)`"
            var reportedLevels = Set<Int>()
            for requirement in set.requirements {
                guard let target = framework.levelIndex(requirement.levelID) else { continue }  // reported by the parser
                let unruled = framework.scale[...target].filter { !ruled.contains($0.id) }
                if !unruled.isEmpty, reportedLevels.insert(target).inserted {
                    diagnostics.append(.error(
                        at: set.location,
                        "\(name) requires \(framework.scale[target].name), which no trainee can reach: "
                            + "\(unruled.map { "`\($0.id)`" }.joined(separator: ", ")) \(unruled.count == 1 ? "has" : "have") no progression rule",
                        remedy: "add a rule for each level under `progression.levels`, or require a lower level"))
                }
                if builtBy[requirement.competencyID, default: []].isEmpty, !curriculum.modules.isEmpty,
                   curriculum.modules.allSatisfy(\.hasReadableFrontMatter) {
                    diagnostics.append(.error(
                        at: framework.competency(requirement.competencyID)?.location ?? set.location,
                        "\(name) requires competency `\(requirement.competencyID)`, but no module builds it, so no trainee can complete it",
                        remedy: "list `\(requirement.competencyID)` under `competencies:` in the modules that teach it, "
                            + "or leave it out of the set (`except:`)"))
                }
            }
        }
        for competency in framework.competencies where !competency.rubric.isEmpty {
            let missing = framework.scale.filter { competency.rubric[$0.id] == nil }
            if !missing.isEmpty {
                diagnostics.append(.warning(
                    at: competency.location,
                    "the rubric of competency `\(competency.id)` has no anchor for \(missing.map { "`\($0.id)`" }.joined(separator: ", "))",
                    remedy: "describe what practice at each level of the scale looks like, so that coaches rate it alike"))
            }
        }
    }

    /// Whether some completion set requires the competency (its missing modules are then an error, not a warning).
    func isRequired(_ competencyID: String, in framework: CompetencyFramework) -> Bool {
        framework.completionSets.contains { $0.requiredLevel(of: competencyID) != nil }
    }
}
