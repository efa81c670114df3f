import Testing
@testable import TrellisModel
import TrellisTestSupport

/// `Module` shares one box of fields between copies; changing a copy must never show in another.
@Suite struct ModuleValueTests {
    private func module() -> Module {
        Module(id: "engage", title: "Engage", summary: "First contact.", duration: 60, competencies: ["rapport"],
               prerequisites: [], objectives: ["Describe the first visit"], materials: [],
               path: "modules/engage.md", body: ModuleBody(),
               locations: ["id": SourceLocation(path: "modules/engage.md", line: 2, column: 5)])
    }

    @Test func changingACopyLeavesTheOriginal() {
        let original = module()
        var copy = original
        copy.title = "Engaging parents"
        copy.competencies.append("advocacy")
        copy.body.headings.append(.init(level: 2, text: "Opening", slug: "opening", line: 10, column: 1))
        copy.locations["title"] = SourceLocation(path: "modules/engage.md", line: 3, column: 8)
        copy.hasReadableFrontMatter = false

        #expect(original.title == "Engage")
        #expect(original.competencies == ["rapport"])
        #expect(original.body.headings.isEmpty)
        #expect(original.locations["title"] == nil)
        #expect(original.hasReadableFrontMatter)
        #expect(copy.title == "Engaging parents")
        #expect(copy.competencies == ["rapport", "advocacy"])
        #expect(copy.body.hasAnchor("opening"))
        #expect(copy.location(of: "title").line == 3)
        #expect(!copy.hasReadableFrontMatter)
    }

    /// Copies handed to many threads and changed there stay apart (the box is only changed
    /// while one value holds it).
    @Test func copiesChangedOnEveryCoreStayApart() {
        let original = module()
        let changed = Array(repeating: original, count: 256).enumerated().map { $0 }.concurrentMap { index, module in
            var module = module
            module.duration = index
            module.objectives.append("Objective \(index)")
            return module
        }
        #expect(original.duration == 60)
        #expect(original.objectives == ["Describe the first visit"])
        for (index, module) in changed.enumerated() {
            #expect(module.duration == index)
            #expect(module.objectives == ["Describe the first visit", "Objective \(index)"])
        }
    }
}
