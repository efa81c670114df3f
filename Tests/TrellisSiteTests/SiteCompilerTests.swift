import Foundation
import Testing
import Mustache
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisSite

@Suite struct SiteCompilerTests {
    private func compiler(_ curriculum: String = Fixtures.valid, output: String, editions: [Edition] = Edition.allCases) -> SiteCompiler {
        // Without Lunr, so the pages do not depend on whether libjs-lunr is installed (ReaderFeaturesTests covers search).
        SiteCompiler(curriculumDirectory: curriculum, themeDirectory: Fixtures.theme, outputDirectory: output,
                     editions: editions, today: Fixtures.today, searchLibraryPath: Fixtures.root + "/no-lunr.js")
    }

    @Test func buildsEveryPageOfBothEditions() throws {
        let scratch = try ScratchDirectory()
        let report = try compiler(output: scratch.path + "/site").build()
        #expect(report.modules == 3)
        let trainee = try snapshot(of: scratch.path + "/site/trainee")
        let trainer = try snapshot(of: scratch.path + "/site/trainer")
        let pages = ["index.html", "404.html", "competency-map.html", "modules/welcome.html", "modules/listening.html",
                     "modules/planning.html", "competencies/listening-well.html", "competencies/goal-setting.html",
                     "static/trellis.css", "static/trellis.js", "assets/circle.png", "assets/handout.txt",
                     "search.html", "manual.html"]
        for page in pages {
            #expect(trainee[page] != nil, "trainee edition lacks \(page)")
            #expect(trainer[page] != nil, "trainer edition lacks \(page)")
        }
        #expect(trainer["facilitator.html"] != nil)
        #expect(trainee["facilitator.html"] == nil)
        #expect(report.pagesPerEdition == [.trainee: 10, .trainer: 11])
    }

    @Test func traineeEditionNeverContainsTrainerText() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site").build()
        let trainee = try snapshot(of: scratch.path + "/site/trainee")
        let trainer = try snapshot(of: scratch.path + "/site/trainer")
        for (path, data) in trainee {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("SENTINEL-TRAINER-TEXT"), "trainer text leaked into trainee/\(path)")
            #expect(!text.contains("callout-trainer-note\""), "trainer note markup in trainee/\(path)")
            #expect(!text.contains("Name tags"), "materials are facilitator information: trainee/\(path)")
        }
        let trainerModules = trainer.filter { $0.key.hasPrefix("modules/") }.values.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(trainerModules.components(separatedBy: "SENTINEL-TRAINER-TEXT").count - 1 == 3)
        let trainerManual = String(decoding: trainer["manual.html"] ?? Data(), as: UTF8.self)
        #expect(trainerManual.components(separatedBy: "SENTINEL-TRAINER-TEXT").count - 1 == 3)
    }

    @Test func modulePageHasNavigationAndRewrittenLinks() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site", editions: [.trainee]).build()
        let page = try String(contentsOfFile: scratch.path + "/site/trainee/modules/welcome.html", encoding: .utf8)
        #expect(page.contains("<h1>Welcome to the work</h1>"))
        #expect(page.contains("href=\"listening.html#reflecting-feelings\""))
        #expect(page.contains("href=\"../assets/handout.txt\""))
        #expect(page.contains("<a class=\"pager-next\" href=\"listening.html\" rel=\"next\">"))
        #expect(!page.contains("pager-previous"))
        #expect(page.contains("href=\"../competencies/listening-well.html\""))
        #expect(page.contains("<li><a href=\"#why-this-matters\">Why this matters</a></li>"))
        let listening = try String(contentsOfFile: scratch.path + "/site/trainee/modules/listening.html", encoding: .utf8)
        #expect(listening.contains("<a href=\"welcome.html\">Welcome to the work</a>"), "prerequisites are linked")
        let competency = try String(contentsOfFile: scratch.path + "/site/trainee/competencies/listening-well.html", encoding: .utf8)
        #expect(competency.contains("<a href=\"../modules/welcome.html\">Welcome to the work</a>"))
        #expect(competency.contains("Reflects feelings back."))
        let home = try String(contentsOfFile: scratch.path + "/site/trainee/index.html", encoding: .utf8)
        #expect(home.contains("<strong>3.3</strong> hours"), "45 + 90 + 60 minutes")
    }

    @Test func outputUsesOnlyRelativeURLsAndNoExternalRequests() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site").build()
        for (path, data) in try snapshot(of: scratch.path + "/site") where path.hasSuffix(".html") {
            let text = String(decoding: data, as: UTF8.self)
            for attribute in ["src=\"", "href=\""] {
                for part in text.components(separatedBy: attribute).dropFirst() {
                    let url = String(part.prefix { $0 != "\"" })
                    #expect(!url.hasPrefix("/"), "\(path) has root-relative URL \(url)")
                    if attribute == "src=\"" { #expect(!url.contains("://"), "\(path) loads \(url) from the network") }
                }
            }
        }
    }

    @Test func outputIsDeterministic() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/one").build()
        _ = try compiler(output: scratch.path + "/two").build()
        let one = try snapshot(of: scratch.path + "/one"), two = try snapshot(of: scratch.path + "/two")
        #expect(one.count > 20)
        #expect(one == two)
    }

    @Test func failedBuildLeavesThePreviousSiteIntact() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        let output = scratch.path + "/site"
        _ = try compiler(curriculum, output: output).build()
        let before = try snapshot(of: output)

        try scratch.write("Curriculum/modules/planning.md", "---\nid: planning\ntitle: [broken\n---\n")
        #expect(throws: DiagnosticList.self) { try compiler(curriculum, output: output).build() }
        #expect(try snapshot(of: output) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == ["Curriculum", "site"], "no temporary folders left behind")
    }

    @Test func failedWriteLeavesThePreviousSiteIntact() throws {
        let scratch = try ScratchDirectory()
        let output = scratch.path + "/site"
        _ = try compiler(output: output).build()
        let before = try snapshot(of: output)
        // A write that fails part-way: the second file cannot be copied.
        #expect(throws: AtomicDirectory.WriteError.self) {
            try OutputFolder.replace(output + "/trainee", with: .init([SiteFile(path: "index.html", content: .text("half")),
                                                                       SiteFile(path: "x.png", content: .copy(from: scratch.path + "/does-not-exist"))]))
        }
        #expect(try snapshot(of: output) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == [BuildStamp.fileName, "trainee", "trainer"],
                "no temporary folder left behind")
    }

    @Test func refusesToWriteOverTheSources() throws {
        let scratch = try ScratchDirectory()
        let curriculum = try scratch.copyOfValidCurriculum()
        #expect(throws: AtomicDirectory.WriteError.self) { try compiler(curriculum, output: scratch.path).build() }
        #expect(throws: AtomicDirectory.WriteError.self) { try compiler(curriculum, output: curriculum + "/modules").build() }
        #expect(FileManager.default.fileExists(atPath: curriculum + "/modules/welcome.md"))
    }

    @Test func brokenTemplateIsReportedWithItsLocation() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.theme, toPath: scratch.path + "/Site")
        try scratch.write("Site/templates/home.mustache", "{{<layout}}\n{{$content}}\n{{#tracks}}\n{{/content}}\n{{/layout}}\n")
        let result = Theme.load(from: scratch.path + "/Site")
        guard case .failure(let list) = result else { Issue.record("a broken template must not load"); return }
        #expect(list.diagnostics.first?.location.path.hasSuffix("templates/home.mustache") == true)
    }

    @Test func shippedCurriculumChecksCleanAndBuilds() throws {
        let shipped = Fixtures.packageRoot + "/Curriculum"
        let found = diagnostics(for: shipped)
        #expect(found.isEmpty, "\(found.map(\.description).joined(separator: "\n"))")
        let scratch = try ScratchDirectory()
        let report = try SiteCompiler(curriculumDirectory: shipped, themeDirectory: Fixtures.theme, outputDirectory: scratch.path + "/site",
                                      editions: Edition.allCases, today: Fixtures.today).build()
        #expect(report.modules >= 14)
        for (path, data) in try snapshot(of: scratch.path + "/site/trainee") where path.hasSuffix(".html") {
            #expect(!String(decoding: data, as: UTF8.self).contains("Trainer note"), "trainee/\(path)")
        }
    }
}

@Suite struct PageEscapingTests {
    /// The site's escaping must write exactly what swift-mustache's own HTML escaping writes.
    @Test(arguments: ["plain text", "", "<script>alert('x')</script>", "Tom & Jerry \"quoted\"", "café ‘curly’ 👩🏽‍⚕️ <b>",
                      "a > b && c < d", "'''", "e\u{301}<", "&amp; already escaped"])
    func matchesMustacheHTMLEscaping(text: String) throws {
        let expected = try MustacheTemplate(string: "{{x}}").render(["x": text])
        let rendered = try MustacheTemplate(string: PageEscaping.pragma + "{{x}}").render(["x": text])
        #expect(rendered == expected)
        #expect(PageEscaping().escapeText(text) == expected)
    }

    @Test func thePragmaLineAddsNothingToThePage() throws {
        let template = "<p>\n{{#items}}\n  <li>{{.}}</li>\n{{/items}}\n</p>\n"
        let context: [String: Any] = ["items": ["a<b", "c"]]
        #expect(try MustacheTemplate(string: PageEscaping.pragma + template).render(context)
            == MustacheTemplate(string: template).render(context))
    }
}

@Suite struct ManualPageTests {
    /// `manual.html` holds every module, in reading order.
    @Test(arguments: Edition.allCases)
    func theManualHoldsEveryBodyInReadingOrder(edition: Edition) throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.valid, editions: Set(Edition.allCases)).load()
        let renderer = EditionRenderer(curriculum: curriculum, theme: try Theme.load(from: Fixtures.theme).get(), edition: edition)
        let context = renderer.makeSharedContext()
        let manual = renderer.manualPage(context)
        var position = manual.startIndex
        for module in context.ordered {
            let id = "id=\"module-\(module.id)\""
            let found = try #require(manual.range(of: id, range: position..<manual.endIndex), "\(module.id) in order")
            position = found.upperBound
        }
    }
}
