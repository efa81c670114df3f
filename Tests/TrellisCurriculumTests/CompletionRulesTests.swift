import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport

/// What completion requires is data in `competencies.yml`, and `trellis check` refuses a
/// completion that no trainee could reach, naming where it is defined.
@Suite struct CompletionRulesTests {
    /// The fixture framework with `completion` (YAML text) added and `edit` applied to the rest.
    private func framework(completion: String, edit: (String) -> String = { $0 }) throws -> (Curriculum, [String]) {
        let scratch = try ScratchDirectory()
        let folder = try scratch.copyOfValidCurriculum()
        let path = folder + "/competencies.yml"
        let text = edit(try String(contentsOfFile: path, encoding: .utf8)) + completion
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (curriculum, loaded) = CurriculumLoader(directory: folder).load()
        let found = loaded + CurriculumChecker(today: Fixtures.today).check(curriculum)
        return (curriculum, found.map { $0.description.replacingOccurrences(of: folder + "/", with: "") })
    }

    private let twoSets = """
        completion:
          - id: listener
            title: Listener
            competencies: [listening-well]
          - id: full
            title: Full program
            level: aware
            competencies: all
            except: []
            levels:
              goal-setting: competent

        """

    @Test func namedSetsSayWhichCompetenciesAtWhichLevel() throws {
        let (curriculum, found) = try framework(completion: twoSets)
        #expect(found.isEmpty, "\(found)")
        let sets = curriculum.framework.completionSets
        #expect(sets.map(\.id) == ["listener", "full"])
        // `level` defaults to `progression.completion_level`; `levels` overrides one competency.
        #expect(sets[0].requirements == [.init(competencyID: "listening-well", levelID: "competent")])
        #expect(sets[1].requirements == [.init(competencyID: "listening-well", levelID: "aware"),
                                         .init(competencyID: "goal-setting", levelID: "competent")])
        #expect(curriculum.framework.completionSet(nil)?.id == "listener")
    }

    @Test func withoutCompletionTheWholeFrameworkAtCompletionLevelIsTheOneSet() throws {
        let (curriculum, found) = try framework(completion: "")
        #expect(found.isEmpty)
        let sets = curriculum.framework.completionSets
        #expect(sets.map(\.id) == [CompletionSet.implicitID])
        #expect(sets[0].requirements.map(\.levelID) == ["competent", "competent"])
        #expect(sets[0].title == "every competency at Competent")
    }

    @Test func aRequiredCompetencyNoModuleBuildsIsAnError() throws {
        let extra = """
                  - id: co-parenting
                    title: Supports co-parenting
                    description: Helps parents work together.
                    indicators:
                      - Names one shared goal.

            """
        let (_, found) = try framework(completion: "completion:\n  - id: all\n    title: All\n    competencies: all\n") {
            $0.replacingOccurrences(of: "          - Writes goals in the parent's words.\n", with: "          - Writes goals in the parent's words.\n" + extra)
        }
        #expect(found.contains { $0.hasPrefix("competencies.yml:45:13: error: completion set `all` requires competency `co-parenting`, but no module builds it") },
                "\(found)")
        // Not also the warning that an optional competency gets.
        #expect(!found.contains { $0.contains("warning: no module builds competency `co-parenting`") })
        // Left out of the set, it is only the warning.
        let (_, excepted) = try framework(completion: "completion:\n  - id: all\n    title: All\n    competencies: all\n    except: [co-parenting]\n") {
            $0.replacingOccurrences(of: "          - Writes goals in the parent's words.\n", with: "          - Writes goals in the parent's words.\n" + extra)
        }
        #expect(excepted.count == 1 && excepted[0].contains("warning: no module builds competency `co-parenting`"), "\(excepted)")
    }

    @Test func aRequiredLevelWithoutAProgressionRuleIsUnreachable() throws {
        let (_, found) = try framework(completion: twoSets) {
            $0.replacingOccurrences(of: "    aware:\n      modules: any\n", with: "")
        }
        // Competent needs Aware first, which now has no rule: both sets are unreachable, each said once per level.
        #expect(found.contains("competencies.yml:44:9: error: completion set `listener` requires Competent, which no trainee can reach: `aware` has no progression rule — add a rule for each level under `progression.levels`, or require a lower level"), "\(found)")
        #expect(found.filter { $0.contains("completion set `full` requires") }.count == 2)
    }

    @Test func unknownLevelsCompetenciesAndDuplicatesAreErrorsWithTheirPlace() throws {
        let (_, found) = try framework(completion: """
            completion:
              - id: listener
                title: Listener
                level: expert
                competencies: [listening-well, talking]
                levels:
                  goal-setting: aware
              - id: listener
                title: Again
                competencies: []

            """)
        #expect(found.contains { $0.hasPrefix("competencies.yml:48:12: error: completion set `listener` requires unknown level `expert`") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("competencies.yml:49:36: error: completion set `listener` requires unknown competency `talking`") })
        #expect(found.contains { $0.hasPrefix("competencies.yml:51:7: error: completion set `listener` sets a level for `goal-setting`, which it does not require") })
        #expect(found.contains { $0.hasPrefix("competencies.yml:52:9: error: duplicate completion set id `listener`") })
        #expect(found.contains { $0.hasPrefix("competencies.yml:54:19: error: completion set `listener` requires no competency") })
    }

    @Test func rubricsAreAnchoredToLevelsOfTheScale() throws {
        let rubric = """
                    rubric:
                      aware: Names two reflections.
                      competent: Reflects feelings back in a real visit without prompts.
                      expert: Teaches it.

            """
        let (curriculum, found) = try framework(completion: "") {
            $0.replacingOccurrences(of: "          - Does not interrupt.\n", with: "          - Does not interrupt.\n" + rubric)
        }
        #expect(found == ["competencies.yml:39:11: error: the rubric of competency `listening-well` has an anchor for unknown level `expert` — use level ids from `scale`: aware, competent"])
        let listening = try #require(curriculum.framework.competency("listening-well"))
        #expect(listening.rubric == ["aware": "Names two reflections.", "competent": "Reflects feelings back in a real visit without prompts."])

        let (_, partial) = try framework(completion: "") {
            $0.replacingOccurrences(of: "          - Does not interrupt.\n", with: "          - Does not interrupt.\n        rubric:\n          aware: Names two reflections.\n")
        }
        #expect(partial.count == 1 && partial[0].contains("warning: the rubric of competency `listening-well` has no anchor for `competent`"), "\(partial)")
    }

    /// `renewal` names real competencies, and a category a credential counts but the map leaves
    /// out is a warning (it renews nothing).
    @Test func renewalMapsCategoriesToCompetencies() throws {
        let (curriculum, found) = try framework(completion: "") {
            $0.replacingOccurrences(of: "  lapse_after_months: 12\n", with: "  lapse_after_months: 12\n  renewal:\n    Supervision: [listening-well, talking]\n    peer-work: all\n")
        }
        #expect(curriculum.framework.progression?.renewal == ["supervision": ["listening-well"], "peer-work": ["listening-well", "goal-setting"]])
        #expect(found == [
            "competencies.yml:16:35: error: continuing education in `supervision` renews unknown competency `talking` — use a competency id from `domains`, or `all`",
            "credentials.yml:2:5: warning: continuing education in category `ethics` (credential `yearly-10`) renews no competency: `progression.renewal` does not list it — add `ethics: [competency ids]` under `progression.renewal` in competencies.yml (`[]` if it should renew none)",
        ], "\(found)")
    }

    @Test func observationCountsNeedObservedPractice() throws {
        let (curriculum, found) = try framework(completion: "") {
            $0.replacingOccurrences(of: "      modules: any\n", with: "      modules: any\n      observers_min: 2\n")
              .replacingOccurrences(of: "      observed_practice: competent\n", with: "      observed_practice: competent\n      observations_min: 3\n      observers_min: 2\n")
        }
        #expect(found.count == 1 && found[0].hasPrefix("competencies.yml:19:22: error: `observations_min` and `observers_min` need `observed_practice`"), "\(found)")
        let competent = try #require(curriculum.framework.progression?.rules.last)
        #expect(competent.observationsMin == 3 && competent.observersMin == 2)
    }

    /// Codes from published frameworks (`LS1`, `C-COM-001`) are ids; their pages are lowercase,
    /// so two that differ only by case are an error.
    @Test func competencyCodesKeepTheirCase() throws {
        let (curriculum, found) = try framework(completion: "") {
            $0.replacingOccurrences(of: "id: listening-well", with: "id: C-COM-001")
              .replacingOccurrences(of: "id: goal-setting", with: "id: c-com-001")
        }
        let ids = curriculum.framework.competencies.map(\.id)
        #expect(ids == ["C-COM-001", "c-com-001"])
        #expect(curriculum.framework.competencies.map(\.pageName) == ["c-com-001", "c-com-001"])
        #expect(found.contains { $0.contains("error: competency ids `C-COM-001` and `c-com-001` differ only by case, so their pages would be one") },
                "\(found)")
        #expect(!found.contains { $0.contains("is not a valid id") })
        for (id, valid) in [("LS1", true), ("ETH_2.1", true), ("C-COM-001", true), ("-x", false), ("a..b", false), ("a b", false), ("x.", false)] {
            #expect(Identifier.isValidCode(id) == valid, "\(id)")
        }
    }

    /// A curriculum that is not tracked (no `progression`) has no completion to check.
    @Test func aFrameworkWithoutProgressionHasNoCompletionToReach() throws {
        let untracked: (String) -> String = { text in
            let start = text.range(of: "progression:\n")!.lowerBound, end = text.range(of: "domains:\n")!.lowerBound
            return text.replacingCharacters(in: start..<end, with: "")
        }
        let (curriculum, found) = try framework(completion: "", edit: untracked)
        #expect(curriculum.framework.progression == nil)
        #expect(found.isEmpty, "\(found)")
        let (_, named) = try framework(completion: "completion:\n  - id: all\n    title: All\n    competencies: all\n", edit: untracked)
        #expect(named.contains { $0.contains("error: completion set `all` requires Competent, which no trainee can reach") }, "\(named)")
    }
}
