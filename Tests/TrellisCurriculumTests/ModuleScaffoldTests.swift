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

    /// A track whose list is empty, absent, null or on one line takes the new module too, and
    /// the curriculum checks without errors afterwards.
    @Test(arguments: [
        ("    modules: []\n", "    modules: [family-meetings]\n"),
        ("", "    modules:\n      - family-meetings\n"),
        ("    modules:\n", "    modules:\n      - family-meetings\n"),
        ("    modules: [ ]  # to come\n", "    modules: [family-meetings]  # to come\n"),
    ])
    func anEmptyOrMissingListTakesTheModule(written: String, expected: String) throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let manifestPath = curriculum + "/curriculum.yml"
        let base = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try (base + "\n  - id: extra\n    title: Extra\n" + written).write(toFile: manifestPath, atomically: true, encoding: .utf8)
        _ = try ModuleScaffold(directory: curriculum, id: "family-meetings", title: "Family meetings", trackID: "extra", today: Fixtures.today).write()
        let manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)
        #expect(manifest.hasSuffix("  - id: extra\n    title: Extra\n" + expected), "\(manifest)")
        let found = diagnostics(for: curriculum)
        #expect(found.errors.isEmpty, "\(found.map(\.description))")
    }

    /// A one-line list grows on its line; an id already in a track is refused with nothing written.
    @Test func aOneLineListGrowsAndAnIdIsNeverAddedTwice() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let manifestPath = curriculum + "/curriculum.yml"
        let base = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let oneLine = base.replacingOccurrences(of: "    modules:\n      - planning", with: "    modules: [planning]")
        try oneLine.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        _ = try ModuleScaffold(directory: curriculum, id: "family-meetings", title: "F", trackID: "practice", today: Fixtures.today).write()
        #expect(try String(contentsOfFile: manifestPath, encoding: .utf8).contains("    modules: [planning, family-meetings]"))
        // `ghost` is listed in a track but has no file yet: adding it again would list it twice.
        let listed = base.replacingOccurrences(of: "      - planning", with: "      - planning\n      - ghost")
        try listed.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        #expect(throws: ModuleScaffold.Failure.self) {
            try ModuleScaffold(directory: curriculum, id: "ghost", title: "G", trackID: "basics", today: Fixtures.today).write()
        }
        #expect(!FileManager.default.fileExists(atPath: curriculum + "/modules/ghost.md"))
        #expect(try String(contentsOfFile: manifestPath, encoding: .utf8) == listed)
    }

    /// A new module is for the curriculum's `audience`, when curriculum.yml names one.
    @Test func theAudienceComesFromTheCurriculum() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        _ = try ModuleScaffold(directory: curriculum, id: "first", title: "First", trackID: nil, today: Fixtures.today).write()
        #expect(try String(contentsOfFile: curriculum + "/modules/first.md", encoding: .utf8).contains("\naudience: \"Who this module is for\"\n"))
        let manifestPath = curriculum + "/curriculum.yml"
        let manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try manifest.replacingOccurrences(of: "organization: Test Program\n", with: "organization: Test Program\naudience: Kinship carers\n")
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
        _ = try ModuleScaffold(directory: curriculum, id: "second", title: "Second", trackID: nil, today: Fixtures.today).write()
        #expect(try String(contentsOfFile: curriculum + "/modules/second.md", encoding: .utf8).contains("\naudience: \"Kinship carers\"\n"))
        #expect(diagnostics(for: curriculum).errors.isEmpty)
    }
}

@Suite struct HandoutScaffoldTests {
    @Test func aNewHandoutChecksCleanAndIsNeverWrittenOverAFile() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let scaffold = HandoutScaffold(directory: curriculum, id: "visit-log", title: "Visit log: week 1", moduleIDs: ["listening"],
                                       trainersOnly: false, today: Fixtures.today)
        let path = try scaffold.write()
        #expect(path.hasSuffix("handouts/visit-log.md"))
        let found = diagnostics(for: curriculum)
        #expect(!found.hasErrors)
        #expect(!found.contains { $0.location.path.hasSuffix("visit-log.md") })
        let (loaded, _) = CurriculumLoader(directory: curriculum).load()
        #expect(loaded.handout("visit-log")?.title == "Visit log: week 1")
        #expect(loaded.handout("visit-log")?.moduleIDs == ["listening"])
        #expect(throws: ModuleScaffold.Failure.self) { try scaffold.write() }
        var unknown = scaffold
        unknown.id = "other"
        unknown.moduleIDs = ["nope"]
        #expect(throws: ModuleScaffold.Failure.self) { try unknown.write() }
        #expect(!FileManager.default.fileExists(atPath: curriculum + "/handouts/other.md"))
    }
}
