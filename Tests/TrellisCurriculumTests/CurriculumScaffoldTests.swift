import Foundation
import Testing
import Yams
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport

/// `trellis init` makes a curriculum that checks clean at once, and never writes over a file.
@Suite struct CurriculumScaffoldTests {
    private func scaffold(_ directory: String, ci: CurriculumScaffold.CI = .github) -> CurriculumScaffold {
        CurriculumScaffold(directory: directory, title: "Family \"Peer\" Support", organization: "Northside", ci: ci, today: Fixtures.today)
    }

    @Test func aNewCurriculumChecksCleanAndUsesEveryCalloutKind() throws {
        let scratch = try ScratchDirectory()
        let written = try scaffold(scratch.path).write()
        #expect(written == ["Curriculum/curriculum.yml", "Curriculum/competencies.yml", "Curriculum/modules/welcome.md", ".gitignore",
                            ".github/workflows/publish-site.yml"])
        let found = diagnostics(for: scratch.path + "/Curriculum")
        #expect(found.isEmpty, "\(found.map(\.description))")
        let (curriculum, _) = CurriculumLoader(directory: scratch.path + "/Curriculum").load()
        #expect(curriculum.manifest.title == "Family \"Peer\" Support" && curriculum.manifest.organization == "Northside")
        let welcome = try #require(curriculum.module("welcome"))
        #expect(Set(welcome.body.callouts.compactMap(\.kind)) == Set(CalloutKind.allCases))
        #expect(curriculum.framework.completionSets.map(\.id) == ["program"])
        #expect(try String(contentsOfFile: scratch.path + "/.gitignore", encoding: .utf8).contains("_site/\n"))
        // The workflow is YAML a CI service can read, and it publishes the trainee edition only.
        let workflow = try #require(try Yams.load(yaml: try String(contentsOfFile: scratch.path + "/.github/workflows/publish-site.yml", encoding: .utf8)) as? [String: Any])
        #expect((workflow["jobs"] as? [String: Any])?.keys.sorted() == ["build", "deploy"])
        #expect(try String(contentsOfFile: scratch.path + "/.github/workflows/publish-site.yml", encoding: .utf8).contains("build --edition trainee"))
        // `trellis new module` extends it.
        _ = try ModuleScaffold(directory: scratch.path + "/Curriculum", id: "second", title: "Second", trackID: nil, today: Fixtures.today).write()
        #expect(diagnostics(for: scratch.path + "/Curriculum").filter { $0.severity == .error }.isEmpty)
    }

    @Test func gitlabOrNoWorkflow() throws {
        let gitlab = try ScratchDirectory()
        #expect(try scaffold(gitlab.path, ci: .gitlab).write().last == ".gitlab-ci.yml")
        let pipeline = try #require(try Yams.load(yaml: try String(contentsOfFile: gitlab.path + "/.gitlab-ci.yml", encoding: .utf8)) as? [String: Any])
        #expect(((pipeline["pages"] as? [String: Any])?["artifacts"] as? [String: Any])?["paths"] as? [String] == ["public"])
        let none = try ScratchDirectory()
        #expect(try scaffold(none.path, ci: .none).write().count == 4)
    }

    @Test func anExistingFileMeansNothingIsWritten() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(".gitignore", "mine\n")
        #expect(throws: ModuleScaffold.Failure.self) { try scaffold(scratch.path).write() }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/Curriculum"))
        #expect(try String(contentsOfFile: scratch.path + "/.gitignore", encoding: .utf8) == "mine\n")
    }
}
