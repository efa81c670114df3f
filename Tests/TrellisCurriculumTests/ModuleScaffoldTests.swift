import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport

@Suite struct ModuleScaffoldTests {
    @Test func newModuleIsAddedToTheTrackAndChecksWithoutErrors() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let result = try ModuleScaffold(directory: curriculum, id: "family-meetings", title: "Family \"meetings\"",
                                        trackID: "basics", today: Fixtures.today).write()
        #expect(result.trackID == "basics")
        let manifest = try String(contentsOfFile: curriculum + "/curriculum.yml", encoding: .utf8)
        #expect(manifest.contains("      - listening\n      - family-meetings\n  - id: practice"))
        #expect(manifest.hasPrefix("# A small curriculum"), "comments survive")
        let found = diagnostics(for: curriculum)
        #expect(found.errors.isEmpty, "\(found.map(\.description))")
        let module = try String(contentsOfFile: curriculum + "/modules/family-meetings.md", encoding: .utf8)
        for kind in CalloutKind.allCases { #expect(module.contains("[!\(kind.rawValue)]")) }
        for field in Module.fields { #expect(module.contains("\n\(field):")) }
    }

    @Test func refusesUnknownTrackAndExistingModule() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        #expect(throws: ModuleScaffold.Failure.self) {
            try ModuleScaffold(directory: curriculum, id: "x", title: "X", trackID: "nope", today: Fixtures.today).write()
        }
        #expect(throws: ModuleScaffold.Failure.self) {
            try ModuleScaffold(directory: curriculum, id: "welcome", title: "W", trackID: nil, today: Fixtures.today).write()
        }
        #expect(!FileManager.default.fileExists(atPath: curriculum + "/modules/x.md"))
    }
}
