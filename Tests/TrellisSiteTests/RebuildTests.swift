import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisSite

/// A rebuild into an existing site must give, after any change, exactly what a clean build
/// gives, and rewrite only the files whose content changed.
@Suite struct RebuildTests {
    typealias Project = SiteProject

    @Test func secondBuildWithNothingChangedWritesNothing() throws {
        let project = try Project()
        let first = try project.build()
        #expect(first.filesWritten > 30)
        let before = try snapshot(of: project.output)
        let second = try project.build()
        #expect(second.filesWritten == 0)
        #expect(second.filesRemoved == 0)
        #expect(second.pagesPerEdition == first.pagesPerEdition)
        #expect(second.modules == first.modules)
        #expect(try snapshot(of: project.output) == before)
    }

    /// A plain build after `--pdf` removes the PDFs (its pages no longer link to them) and says so.
    @Test func removingAnEarlierBuildsPDFsIsSaid() throws {
        let project = try Project()
        let first = try project.build()
        #expect(first.removedPDFsNotice == nil)
        // What `trellis build --pdf` leaves beside the pages.
        try project.write("site/trainee/pdf/listening.pdf", "%PDF-1.7")
        try project.write("site/trainee/pdf/manual.pdf", "%PDF-1.7")
        let second = try project.build()
        #expect(second.removedFiles[.trainee]?.sorted() == ["pdf/listening.pdf", "pdf/manual.pdf"])
        #expect(second.removedPDFsNotice == "note: removed 2 PDF files (pdf/) that an earlier `trellis build --pdf` made, "
                    + "and the pages' links to them; run `trellis build --pdf` to make them again")
        #expect(try project.build().removedPDFsNotice == nil, "said once")
    }

    @Test func aBuildWithNothingChangedIsAnsweredFromTheStampWithTheSameReport() throws {
        let project = try Project()
        try project.replace("Curriculum/modules/listening.md", "review_by: 2030-01-01", with: "review_by: 2020-01-01")
        try project.ageSources()
        let first = try project.build()
        #expect(!first.warnings.isEmpty)
        let second = try project.build()
        #expect(second.timings.map(\.step) == ["unchanged"], "nothing was read, checked or rendered")
        #expect(second.warnings == first.warnings && second.notices == first.notices)
        #expect(second.pagesPerEdition == first.pagesPerEdition && second.modules == first.modules)
        #expect(second.filesWritten == 0 && second.filesRemoved == 0)

        // A page edited by hand is not as the stamp recorded it: a full build repairs it.
        try project.write("site/trainee/index.html", "edited by hand")
        let repaired = try project.build()
        #expect(repaired.timings.map(\.step).contains("load and check"))
        #expect(repaired.writtenFiles[.trainee] == ["index.html"])

        // The same size and modification time, other bytes: the change time still differs.
        let path = project.curriculum + "/modules/welcome.md"
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        try project.replace("Curriculum/modules/welcome.md", "Peer work starts", with: "Peer work begins")
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        try project.build()
        #expect(try project.read("site/trainee/modules/welcome.html").contains("Peer work begins"))

        // Another day can bring other review warnings.
        var earlier = project.compiler()
        earlier.today = CalendarDate(year: 2019, month: 1, day: 1)!
        let before = try earlier.build()
        #expect(before.timings.map(\.step) != ["unchanged"])
        #expect(before.warnings.isEmpty, "in 2019, the 2020 review date is still ahead")
        try project.expectSameAsCleanBuild("after builds answered from the stamp")
    }

    @Test func everyKindOfChangeGivesWhatACleanBuildGives() throws {
        let project = try Project()
        try project.build()
        try project.expectSameAsCleanBuild("first build")

        try project.replace("Curriculum/modules/listening.md", "## Reflecting feelings", with: "Listening starts here.\n\n## Reflecting feelings")
        try project.build()
        try project.expectSameAsCleanBuild("body-only edit")

        try project.replace("Curriculum/modules/listening.md", "title: Listening\n", with: "title: Listening closely\n")
        try project.build()
        try project.expectSameAsCleanBuild("title change")

        try project.replace("Site/templates/module.mustache", "<h1>{{title}}</h1>", with: "<h1 class=\"module-title\">{{title}}</h1>")
        try project.build()
        try project.expectSameAsCleanBuild("module template change")

        try project.replace("Site/templates/layout.mustache", "<meta name=\"generator\" content=\"Trellis\">",
                            with: "<meta name=\"generator\" content=\"Trellis (test)\">")
        try project.build()
        try project.expectSameAsCleanBuild("layout template change")

        try project.replace("Curriculum/competencies.yml", "title: Listens well", with: "title: Listens with care")
        try project.build()
        try project.expectSameAsCleanBuild("competencies.yml change")

        // Track order: `planning` moves before `listening`, in another track.
        try project.replace("Curriculum/curriculum.yml", "      - welcome\n      - listening\n", with: "      - welcome\n")
        try project.replace("Curriculum/curriculum.yml", "      - planning\n", with: "      - planning\n      - listening\n")
        try project.replace("Curriculum/modules/planning.md", "prerequisites: [listening]", with: "prerequisites: [welcome]")
        try project.build()
        try project.expectSameAsCleanBuild("curriculum.yml track reorder")

        // Rename a module: new file, new id, and every reference updated.
        try project.write("Curriculum/modules/reflecting.md",
                          try project.read("Curriculum/modules/listening.md").replacingOccurrences(of: "id: listening", with: "id: reflecting"))
        try project.remove("Curriculum/modules/listening.md")
        try project.replace("Curriculum/curriculum.yml", "      - listening\n", with: "      - reflecting\n")
        try project.replace("Curriculum/modules/welcome.md", "listening.md#", with: "reflecting.md#")
        try project.replace("Curriculum/modules/planning.md", "listening.md#", with: "reflecting.md#")
        try project.build()
        try project.expectSameAsCleanBuild("module rename")
        #expect(!FileManager.default.fileExists(atPath: project.output + "/trainee/modules/listening.html"))

        // Delete a module and what referred to it.
        try project.remove("Curriculum/modules/reflecting.md")
        try project.replace("Curriculum/curriculum.yml", "      - reflecting\n", with: "")
        try project.replace("Curriculum/modules/welcome.md", "See [Listening](reflecting.md#reflecting-feelings)\n", with: "See\n")
        try project.replace("Curriculum/modules/planning.md", " or [reflecting](reflecting.md#reflecting-feelings)", with: "")
        try project.build()
        try project.expectSameAsCleanBuild("module deletion")

        try project.write("Curriculum/assets/maps/area.txt", "A map of the area.\n")
        try project.build()
        try project.expectSameAsCleanBuild("asset added")
        #expect(FileManager.default.fileExists(atPath: project.output + "/trainer/assets/maps/area.txt"))

        try project.write("Curriculum/assets/maps/area.txt", "A better map of the area.\n")
        try project.build()
        try project.expectSameAsCleanBuild("asset changed")

        try project.remove("Curriculum/assets/maps")
        try project.build()
        try project.expectSameAsCleanBuild("asset removed (and its folder)")

        try project.write("Site/static/extra.css", "main { outline: 0; }\n")
        try project.build()
        try project.expectSameAsCleanBuild("static file added")

        try project.replace("Curriculum/curriculum.yml", "title: Fixture Training", with: "title: Fixture Training, Second Edition")
        try project.build()
        try project.expectSameAsCleanBuild("site title change")

        // Lunr uninstalled: search pages and the index go.
        try project.remove("lunr/lunr.min.js")
        try project.build()
        try project.expectSameAsCleanBuild("search library gone")
    }

    @Test func bodyEditRewritesOnlyThatModulesPagesAndTheWholeCurriculumFiles() throws {
        let project = try Project()
        try project.build()
        try project.replace("Curriculum/modules/planning.md", "## Small steps", with: "A new opening line.\n\n## Small steps")
        let written = try project.rebuild()
        for edition in Edition.allCases {
            #expect(written[edition] == ["manual.html", "modules/planning.html", "search-index.js"], "\(edition)")
        }
        try project.expectSameAsCleanBuild("body edit")
    }

    @Test func titleChangeAlsoRewritesThePagesThatShowTheTitle() throws {
        let project = try Project()
        try project.build()
        try project.replace("Curriculum/modules/listening.md", "title: Listening\n", with: "title: Listening well\n")
        let written = try project.rebuild()
        #expect(written[.trainee] == ["competencies/listening-well.html", "competency-map.html", "index.html", "manual.html",
                                     "modules/listening.html", "modules/planning.html", "modules/welcome.html", "search-index.js"])
        #expect(written[.trainer] == written[.trainee].map { ($0 + ["facilitator.html"]).sorted() })
        try project.expectSameAsCleanBuild("title change")
    }

    @Test func templateChangeRewritesOnlyThePagesThatUseIt() throws {
        let project = try Project()
        try project.build()
        // A change that renders the same (a standalone tag's line ending) writes nothing.
        try project.replace("Site/templates/competency.mustache", "{{<layout}}", with: "{{<layout}}\n")
        #expect(try project.rebuild()[.trainee] == [])
        try project.replace("Site/templates/competency.mustache", "<h1>{{title}}</h1>", with: "<h1 class=\"competency\">{{title}}</h1>")
        let written = try project.rebuild()
        #expect(written[.trainee] == ["competencies/goal-setting.html", "competencies/listening-well.html"])
        try project.replace("Site/static/trellis.css", "}", with: "}\n")
        #expect(try project.rebuild()[.trainer] == ["static/trellis.css"])
        try project.expectSameAsCleanBuild("template and stylesheet change")
    }

    @Test func competencyChangeRewritesItsPagesButNotUnrelatedModules() throws {
        let project = try Project()
        try project.build()
        try project.replace("Curriculum/competencies.yml", "description: Helps set goals.", with: "description: Helps parents set goals.")
        #expect(try project.rebuild()[.trainee] == ["competencies/goal-setting.html"])
        try project.replace("Curriculum/competencies.yml", "title: Sets goals with parents", with: "title: Sets goals together")
        #expect(try project.rebuild()[.trainee] == ["competencies/goal-setting.html", "competency-map.html", "manual.html",
                                                    "modules/planning.html"])
        try project.expectSameAsCleanBuild("competency change")
    }

    @Test func failedBuildWritesNothingAndTheFixRebuildsCorrectly() throws {
        let project = try Project()
        try project.build()
        let before = try snapshot(of: project.output)
        try project.write("Curriculum/modules/planning.md", "---\nid: planning\ntitle: [broken\n---\n")
        #expect(throws: DiagnosticList.self) { try project.build() }
        #expect(try snapshot(of: project.output) == before)
        try project.write("Curriculum/modules/planning.md", try String(contentsOfFile: Fixtures.valid + "/modules/planning.md", encoding: .utf8)
            .replacingOccurrences(of: "## Small steps", with: "## Smaller steps"))
        try project.build()
        try project.expectSameAsCleanBuild("after the fix")
    }

    @Test func filesChangedOrAddedInTheOutputAreRepaired() throws {
        let project = try Project()
        try project.build()
        try project.write("site/trainee/index.html", "edited by hand")
        try project.remove("site/trainer/modules/welcome.html")
        try project.write("site/trainee/stray.html", "not part of the site")
        try project.write("site/trainer/old/leftover.txt", "from an older build")
        let report = try project.build()
        #expect(report.filesWritten == 2)
        #expect(report.filesRemoved == 2)
        try project.expectSameAsCleanBuild("after repairs")

        // A folder where a page goes, and a file where a folder goes.
        try project.remove("site/trainee/404.html")
        try project.write("site/trainee/404.html/inside.txt", "a folder in the way")
        try project.remove("site/trainer/modules")
        try project.write("site/trainer/modules", "a file in the way")
        try project.build()
        try project.expectSameAsCleanBuild("after folders and files in the way")
    }

    @Test func editKeepingSizeAndTimeIsStillSeen() throws {
        let project = try Project()
        let path = project.curriculum + "/modules/welcome.md"
        try project.build()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        // Same length, same modification time: only the bytes differ (a second save within one clock tick).
        try project.replace("Curriculum/modules/welcome.md", "Peer work starts", with: "Peer work begins")
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
        try project.build()
        #expect(try project.read("site/trainee/modules/welcome.html").contains("Peer work begins"))
        try project.expectSameAsCleanBuild("same-size edit")
    }

    @Test func cleanOptionSwapsWholeEditions() throws {
        let project = try Project()
        try project.build()
        try project.write("site/trainee/stray.html", "not part of the site")
        let report = try project.compiler(clean: true).build()
        #expect(report.filesWritten == report.pagesPerEdition.values.reduce(0, +) + 2 * 6, "every page and every copied file")
        #expect(!FileManager.default.fileExists(atPath: project.output + "/trainee/stray.html"))
        #expect(try project.build().filesWritten == 0, "a build after a clean one finds every file as it should be")
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.scratch.path).filter { $0.hasPrefix(".") }.isEmpty,
                "no temporary folders left behind")
    }

    @Test func diagnosticsAreThoseOfTrellisCheckAfterEdits() throws {
        let project = try Project()
        try project.build()
        // A warning (past review date) and, later, an error in another module that links here.
        try project.replace("Curriculum/modules/listening.md", "review_by: 2030-01-01", with: "review_by: 2020-01-01")
        let report = try project.build()
        let expected = diagnostics(for: project.curriculum)
        #expect(report.warnings == expected.warnings)
        #expect(!report.warnings.isEmpty)

        try project.replace("Curriculum/modules/listening.md", "## Reflecting feelings", with: "## Reflecting emotions")
        do {
            try project.build()
            Issue.record("a link to a heading that is gone must stop the build")
        } catch let list as DiagnosticList {
            #expect(list.diagnostics == diagnostics(for: project.curriculum))
            #expect(list.diagnostics.errors.contains { $0.location.path.hasSuffix("welcome.md") && $0.message.contains("#reflecting-feelings") })
        }
    }
}
