import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport

/// Each check reports the exact `path:line:column` a trainer should jump to.
@Suite struct CurriculumCheckerTests {
    /// Writes `text` as module `name` into a copy of the valid fixture and returns the errors and warnings.
    private func check(module name: String, _ text: String, today: CalendarDate = Fixtures.today,
                       edit: ((ScratchDirectory) throws -> Void)? = nil) throws -> (String, [String]) {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        try scratch.write("Curriculum/modules/\(name).md", text)
        try edit?(scratch)
        let found = diagnostics(for: curriculum, today: today).map { $0.description.replacingOccurrences(of: curriculum + "/", with: "") }
        return (curriculum, found)
    }

    private func module(_ frontMatter: String, body: String = "## Section\n\nText.\n") -> String {
        "---\n\(frontMatter)\n---\n\(body)"
    }

    private let planningFields = """
        id: planning
        title: Planning together
        summary: Goals.
        duration: 60
        competencies: [goal-setting]
        prerequisites: [listening]
        objectives:
          - Plan one small step.
        """

    @Test func validFixtureIsClean() {
        #expect(diagnostics(for: Fixtures.valid).isEmpty)
    }

    @Test func malformedFrontMatterYAMLReportsItsOwnPosition() throws {
        let (_, found) = try check(module: "planning", module(planningFields.replacingOccurrences(of: "title: Planning together", with: "title: [Planning")))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:4:8: error: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 3)") }, "\(found)")
        #expect(found.count == 1, "a module with broken YAML must not cause follow-on errors: \(found)")
    }

    @Test func repeatedFieldPointsAtItsFirstLine() throws {
        let (_, found) = try check(module: "planning", module(planningFields.replacingOccurrences(of: "duration: 60", with: "duration: 60\ntitle: Again")))
        #expect(found == ["modules/planning.md:3:1: error: field `title` is written more than once (first here) — keep one line for it and delete the others"],
                "\(found)")
    }

    @Test func missingAndWronglyTypedFields() throws {
        let text = module(planningFields
            .replacingOccurrences(of: "summary: Goals.\n", with: "")
            .replacingOccurrences(of: "duration: 60", with: "duration: an hour"))
        let (_, found) = try check(module: "planning", text)
        #expect(found.contains("modules/planning.md:2:1: error: missing required field `summary` in the front matter — add a line `summary: …`"))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:4:11: error: field `duration` must be a whole number, not `an hour`") }, "\(found)")
    }

    @Test func listFieldGivenAsText() throws {
        let (_, found) = try check(module: "planning", module(planningFields.replacingOccurrences(of: "competencies: [goal-setting]", with: "competencies: goal-setting")))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:6:15: error: field `competencies` must be a list") }, "\(found)")
    }

    @Test func idMustMatchFileName() throws {
        let (_, found) = try check(module: "planning", module(planningFields.replacingOccurrences(of: "id: planning", with: "id: plans")))
        #expect(found.contains("modules/planning.md:2:5: error: module id `plans` does not match its file name `planning.md` — rename the file to `plans.md` or change the id to `planning`"))
    }

    @Test func duplicateIDs() throws {
        let (_, found) = try check(module: "planning-copy", module(planningFields))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:2:5: error: duplicate module id `planning`") || $0.hasPrefix("modules/planning-copy.md:2:5: error: duplicate module id `planning`") }, "\(found)")
    }

    @Test func unknownCompetencyAndPrerequisiteWithSuggestions() throws {
        let text = module(planningFields
            .replacingOccurrences(of: "[goal-setting]", with: "[goal-seting]")
            .replacingOccurrences(of: "[listening]", with: "[listenin]"))
        let (_, found) = try check(module: "planning", text)
        #expect(found.contains { $0.hasPrefix("modules/planning.md:6:16: error: unknown competency `goal-seting` — did you mean competency `goal-setting`?") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:7:17: error: unknown prerequisite `listenin` — did you mean module `listening`?") }, "\(found)")
    }

    @Test func prerequisiteCycleIsNamed() throws {
        let text = module(planningFields.replacingOccurrences(of: "[listening]", with: "[listening]"))
        let (_, found) = try check(module: "planning", text) { scratch in
            let path = scratch.path + "/Curriculum/modules/welcome.md"
            let welcome = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "prerequisites: []", with: "prerequisites: [planning]")
            try welcome.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let cycles = found.filter { $0.contains("prerequisite cycle") }
        #expect(cycles.count == 1, "\(found)")
        #expect(cycles.first?.contains("listening → welcome → planning → listening") == true
            || cycles.first?.contains("planning → listening → welcome → planning") == true
            || cycles.first?.contains("welcome → planning → listening → welcome") == true, "\(cycles)")
    }

    @Test func tracksMustPlaceEveryModuleAndOnlyExistingOnes() throws {
        let (_, found) = try check(module: "orphan", module(planningFields.replacingOccurrences(of: "id: planning", with: "id: orphan"))) { scratch in
            let path = scratch.path + "/Curriculum/curriculum.yml"
            let manifest = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "      - planning", with: "      - planning\n      - ghost")
            try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(found.contains("modules/orphan.md:2:5: error: module `orphan` is not placed in any track — add `orphan` to a track's `modules:` in \(found.first { $0.contains("orphan` is not placed") }.flatMap { $0.components(separatedBy: "in ").last } ?? "")"))
        #expect(found.contains { $0.hasPrefix("curriculum.yml:19:9: error: track `practice` lists `ghost`, but there is no module with that id") }, "\(found)")
    }

    @Test func brokenLinksAnchorsAndAssets() throws {
        let body = """
            ## Section

            [a](missing.md) [b](listening.md#no-such-heading) [c](#nowhere)
            ![d](../assets/absent.png) [e](../curriculum.yml) [f](../../outside.txt)
            """
        let (_, found) = try check(module: "planning", module(planningFields, body: body))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:13:1: error: link to missing module `missing.md` — did you mean module `listening`?") || $0.hasPrefix("modules/planning.md:13:1: error: link to missing module `missing.md`") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:13:17: error: link to `listening.md#no-such-heading`, but `listening` has no such heading") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:13:51: error: link to `#nowhere`, but this module has no such heading") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:14:1: error: image to missing file `assets/absent.png`") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:14:28: error: link to `curriculum.yml`, which is not published with the site") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:14:51: error: link to `../../outside.txt` leaves the curriculum folder") }, "\(found)")
    }

    @Test func emptyObjectivesAndUnknownCalloutKind() throws {
        let text = module(planningFields.replacingOccurrences(of: "objectives:\n  - Plan one small step.", with: "objectives: []"),
                          body: "## Section\n\n> [!SCENRIO]\n> Typo.\n")
        let (_, found) = try check(module: "planning", text)
        #expect(found.contains { $0.hasPrefix("modules/planning.md:8:13: error: `objectives` is empty") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:12:1: error: unknown callout kind `[!SCENRIO]` — did you mean kind `SCENARIO`?") }, "\(found)")
    }

    @Test func passedReviewDateMissingAltAndLevelOneHeadingAreWarnings() throws {
        let text = module(planningFields + "\nreview_by: 2026-01-01", body: "# Big title\n\n![](../assets/circle.png)\n")
        let (_, found) = try check(module: "planning", text)
        #expect(found.contains { $0.hasPrefix("modules/planning.md:10:12: warning: review date 2026-01-01 has passed") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:12:1: warning: level-1 heading `Big title` in the body") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:14:1: warning: image `../assets/circle.png` has no alternative text") }, "\(found)")
        #expect(!found.contains { $0.contains(": error:") }, "\(found)")
    }

    @Test func misspelledFieldIsFlagged() throws {
        let (_, found) = try check(module: "planning", module(planningFields + "\nreveiw_by: 2027-01-01"))
        #expect(found.contains { $0.hasPrefix("modules/planning.md:10:1: warning: unknown field `reveiw_by` in the front matter — did you mean `review_by`?") }, "\(found)")
    }

    @Test func missingFrontMatter() throws {
        let (_, found) = try check(module: "planning", "## Just a body\n")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:1:1: error: module has no front matter") }, "\(found)")
    }

    @Test func frameworkProblems() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let path = curriculum + "/competencies.yml"
        var framework = try String(contentsOfFile: path, encoding: .utf8)
        framework = framework.replacingOccurrences(of: "samhsa: [5]", with: "samhsa: [13]")
            .replacingOccurrences(of: "observed_practice: competent", with: "observed_practice: expert")
            .replacingOccurrences(of: "      - id: goal-setting", with: "      - id: listening-well")
        try framework.write(toFile: path, atomically: true, encoding: .utf8)
        let found = diagnostics(for: curriculum).map { $0.description.replacingOccurrences(of: curriculum + "/", with: "") }
        #expect(found.contains { $0.hasPrefix("competencies.yml:21:26: error: `observed_practice` names unknown level `expert`") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("competencies.yml:42:18: error: SAMHSA category 13 does not exist") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("competencies.yml:39:13: error: duplicate competency id `listening-well`") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("modules/planning.md:6:16: error: unknown competency `goal-setting`") }, "\(found)")
    }

    @Test func malformedFrameworkYAML() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        try scratch.write("Curriculum/competencies.yml", "title: X\nscale:\n  - id: aware\n    name: [Aware\n")
        let found = diagnostics(for: curriculum).map { $0.description.replacingOccurrences(of: curriculum + "/", with: "") }
        #expect(found.contains { $0.hasPrefix("competencies.yml:5:1: error: malformed YAML") }, "\(found)")
    }

    @Test func crlfAndByteOrderMarkAreAccepted() throws {
        let text = "\u{FEFF}" + module(planningFields).replacingOccurrences(of: "\n", with: "\r\n")
        let (_, found) = try check(module: "planning", text)
        #expect(found.isEmpty, "\(found)")
    }
}
