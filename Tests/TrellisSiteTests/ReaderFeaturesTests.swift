import Foundation
import Testing
import ZIPFoundation
@testable import TrellisModel
@testable import TrellisMarkdown
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisSite

/// Search, the one-page manual, PDF handouts and the zip: the parts of the site that go
/// beyond pages. The browser suite (BrowserTests/) checks the same features in Chromium.
@Suite struct ReaderFeaturesTests {
    /// A stand-in for Debian's lunr.min.js, so these tests do not depend on what is installed.
    private func fakeLunr(in scratch: ScratchDirectory) throws -> String {
        try scratch.write("lunr/lunr.min.js", "/** lunr stand-in */\n!function(){window.lunr=function(){}}();\n//# sourceMappingURL=lunr.min.js.map")
        return scratch.path + "/lunr/lunr.min.js"
    }

    private func compiler(output: String, lunr: String, editions: [Edition] = Edition.allCases, pdf: Bool = false,
                          zip: Bool = false, environment: [String: String] = [:]) -> SiteCompiler {
        SiteCompiler(curriculumDirectory: Fixtures.valid, themeDirectory: Fixtures.theme, outputDirectory: output,
                     editions: editions, today: Fixtures.today, searchLibraryPath: lunr, makesPDFs: pdf, makesZips: zip,
                     environment: environment)
    }

    private func searchDocuments(_ path: String) throws -> [SearchIndex.Document] {
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(script.hasPrefix("window.TRELLIS_SEARCH = {"))
        let json = script.drop { $0 != "{" }.dropLast(2)  // `;\n`
        struct Index: Decodable { var docs: [SearchIndex.Document] }
        return try JSONDecoder().decode(Index.self, from: Data(json.utf8)).docs
    }

    // MARK: - Search

    @Test func searchIndexHasOneDocumentPerSectionLinkedToItsHeading() throws {
        let scratch = try ScratchDirectory()
        let report = try compiler(output: scratch.path + "/site", lunr: try fakeLunr(in: scratch)).build()
        #expect(report.notices.isEmpty)
        let documents = try searchDocuments(scratch.path + "/site/trainee/search-index.js")
        let welcome = documents.filter { $0.moduleTitle == "Welcome to the work" }
        #expect(welcome.map(\.heading) == ["Overview", "Why this matters", "What comes next"])
        #expect(welcome.map(\.url) == ["modules/welcome.html", "modules/welcome.html#why-this-matters",
                                       "modules/welcome.html#what-comes-next"])
        #expect(welcome[0].text.contains("Describe the role in one sentence."), "objectives are searchable")
        #expect(welcome[1].text.hasPrefix("Peer work starts with listening. See Listening and the handout."))
        #expect(!welcome[1].text.contains("<"), "tags are stripped")
        // Documents follow teaching order.
        #expect(documents.first?.moduleTitle == "Welcome to the work")

        let library = try String(contentsOfFile: scratch.path + "/site/trainee/static/lunr.min.js", encoding: .utf8)
        #expect(library.contains("lunr stand-in"))
        #expect(!library.contains("sourceMappingURL"), "the map is not shipped, so it is not referenced")
    }

    @Test func traineeSearchIndexHasNoTrainerNoteText() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site", lunr: try fakeLunr(in: scratch)).build()
        let trainee = try String(contentsOfFile: scratch.path + "/site/trainee/search-index.js", encoding: .utf8)
        let trainer = try String(contentsOfFile: scratch.path + "/site/trainer/search-index.js", encoding: .utf8)
        #expect(!trainee.contains("SENTINEL-TRAINER-TEXT"))
        #expect(!trainee.contains("Trainer note"))
        #expect(trainer.contains("SENTINEL-TRAINER-TEXT"), "the trainer edition searches its notes")
    }

    /// `trellis.js` parses each line as JSON: awkward text must survive.
    @Test func searchIndexLinesAreJSONOneDocumentPerLine() throws {
        let awkward = ["plain", "", "quote \" backslash \\ slash / end", "tab\tnew\nline\r\u{08}\u{0C}\u{01}\u{1F}\u{7F}",
                       "é ü 中文 😀 \u{2028}\u{2029}", "<script>&amp;</script>"]
        let documents = awkward.indices.map { index in
            SearchIndex.Document(moduleTitle: awkward[index], heading: awkward[(index + 1) % awkward.count],
                                 text: awkward[(index + 2) % awkward.count], url: "modules/m\(index).html#\(awkward[(index + 3) % awkward.count])")
        }
        let script = SearchIndex(documents: documents).script()
        #expect(script.hasPrefix("window.TRELLIS_SEARCH = {\"docs\": [\n") && script.hasSuffix("\n]};\n"))
        let lines = script.split(separator: "\n").dropFirst().dropLast()
        #expect(lines.count == documents.count, "one document per line: newlines inside text are escaped")
        for (line, document) in zip(lines, documents) {
            let json = line.hasSuffix(",") ? line.dropLast() : line
            #expect(try JSONDecoder().decode(SearchIndex.Document.self, from: Data(json.utf8)) == document)
        }
    }

    @Test func shippedCurriculumTraineeIndexHasNoTrainerNoteText() throws {
        let scratch = try ScratchDirectory()
        let shipped = Fixtures.packageRoot + "/Curriculum"
        let (curriculum, _) = CurriculumLoader(directory: shipped, editions: Set(Edition.allCases)).load()
        let ordered = curriculum.modulesInTrackOrder
        let trainee = SearchIndex(modules: ordered, edition: .trainee).script()
        let trainer = SearchIndex(modules: ordered, edition: .trainer).script()
        #expect(!trainee.contains("Trainer note"))
        #expect(trainer.contains("Trainer note"))
        // Every trainer-only sentence of the shipped notes is absent from the trainee index.
        let markdown = try ordered.map { try String(contentsOfFile: $0.path, encoding: .utf8) }.joined(separator: "\n")
        let noteLines = trainerNoteLines(markdown).filter { $0.count > 60 && !$0.contains("*") && !$0.contains("[") && !$0.contains("\"") }
        #expect(noteLines.count > 5)
        for line in noteLines where trainer.contains(line) {
            #expect(!trainee.contains(line), "trainer text in the trainee index: \(line)")
        }
        _ = scratch
    }

    /// The text lines of `> [!TRAINER-NOTE]` blockquotes.
    private func trainerNoteLines(_ markdown: String) -> [String] {
        var lines: [String] = [], inNote = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("> [!TRAINER-NOTE]") { inNote = true; continue }
            guard inNote, line.hasPrefix(">") else { inNote = false; continue }
            lines.append(line.dropFirst().trimmingCharacters(in: .whitespaces))
        }
        return lines
    }

    @Test func searchPageAndHeaderBoxWhenLunrIsInstalled() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site", lunr: try fakeLunr(in: scratch), editions: [.trainee]).build()
        let search = try String(contentsOfFile: scratch.path + "/site/trainee/search.html", encoding: .utf8)
        #expect(search.contains("<h1>Search</h1>"))
        #expect(search.contains("id=\"search-page-input\" name=\"q\""))
        #expect(!search.contains("site-search-input"), "one search box on the search page")
        let module = try String(contentsOfFile: scratch.path + "/site/trainee/modules/welcome.html", encoding: .utf8)
        #expect(module.contains("<form class=\"site-search\" role=\"search\" action=\"../search.html\" method=\"get\" data-root=\"../\">"))
    }

    @Test func withoutLunrTheSiteIsBuiltWithSearchTurnedOff() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.path + "/no-such/lunr.min.js"
        let report = try compiler(output: scratch.path + "/site", lunr: missing, editions: [.trainee]).build()
        #expect(report.notices == [SearchLibrary.unavailableWarning(path: missing)])
        #expect(report.notices[0].contains("apt-get install libjs-lunr"))
        let site = try snapshot(of: scratch.path + "/site/trainee")
        #expect(site["search-index.js"] == nil && site["static/lunr.min.js"] == nil)
        let search = String(decoding: site["search.html"]!, as: UTF8.self)
        #expect(search.contains("Search is not available in this copy of the site."))
        #expect(!String(decoding: site["index.html"]!, as: UTF8.self).contains("site-search"), "no box that cannot work")
    }

    @Test func sectionsAreThePlainTextOfEachEdition() {
        let markdown = "Intro with Tom &amp; Jerry.\n\n## First part\n\nOne *two*.\n\n> [!TRAINER-NOTE]\n> SECRET\n\n### Deeper\n\n- a\n- b\n"
        let body = ModuleBodyCompiler.compile(markdown: markdown, editions: Set(Edition.allCases))
        #expect(body.sections[.trainee] == [
            .init(heading: nil, anchor: nil, text: "Intro with Tom & Jerry."),
            .init(heading: "First part", anchor: "first-part", text: "One two."),
            .init(heading: "Deeper", anchor: "deeper", text: "a b"),
        ])
        #expect(body.sections[.trainer]?[1].text == "One two. Trainer note SECRET", "callout labels are searchable words")
    }

    // MARK: - The whole curriculum on one page

    @Test func manualHasEveryModuleWithUniqueIdsAndInPageLinks() throws {
        let scratch = try ScratchDirectory()
        _ = try compiler(output: scratch.path + "/site", lunr: scratch.path + "/none", editions: [.trainer]).build()
        let manual = try String(contentsOfFile: scratch.path + "/site/trainer/manual.html", encoding: .utf8)
        for id in ["welcome", "listening", "planning"] { #expect(manual.contains("<section class=\"manual-module\" id=\"module-\(id)\"")) }
        #expect(manual.contains("<h3 id=\"welcome--why-this-matters\">"), "body headings sit below the module's h2")
        #expect(manual.contains("href=\"#listening--reflecting-feelings\""), "links between modules stay on the page")
        #expect(manual.contains("href=\"#module-planning\""))
        #expect(manual.contains("href=\"assets/handout.txt\""), "the manual is at the root, not in modules/")
        #expect(manual.contains("SENTINEL-TRAINER-TEXT"), "the trainer manual has the notes")
        let ids = manual.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids.count > 10)
        #expect(Set(ids).count == ids.count, "duplicate ids: \(Dictionary(grouping: ids) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        for labelled in manual.components(separatedBy: "aria-labelledby=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) }) {
            #expect(ids.contains(labelled), "aria-labelledby points at a missing id \(labelled)")
        }
    }

    @Test func checklistItemsAreLabelledAndTablesWrapped() {
        let body = ModuleBodyCompiler.compile(markdown: """
            - [ ] Names the **boundary**
            - [x] Done

            | Too rigid | Too *loose* |
            |---|---|
            | a | b |
            """, editions: [.trainee])
        let html = body.html[.trainee] ?? ""
        #expect(html.contains("<label><input type=\"checkbox\" disabled=\"\" /> \nNames the <strong>boundary</strong>\n</label>"))
        #expect(html.contains("<label><input type=\"checkbox\" disabled=\"\" checked=\"\" /> \nDone\n</label>"))
        #expect(html.contains("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table: Too rigid, Too loose\">\n<table>"))
        #expect(!html.contains("<input type=\"checkbox\" disabled=\"\" /> \n<"), "every checkbox sits in its label")
    }

    // MARK: - Zip

    @Test func zipHoldsTheWholeEditionInAFixedOrderAndIsDeterministic() throws {
        let scratch = try ScratchDirectory()
        let lunr = try fakeLunr(in: scratch)
        let report = try compiler(output: scratch.path + "/one", lunr: lunr, editions: [.trainee], zip: true).build()
        #expect(report.extraFiles == [scratch.path + "/one/trainee.zip"])
        _ = try compiler(output: scratch.path + "/two", lunr: lunr, editions: [.trainee], zip: true).build()
        let zip = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/one/trainee.zip"))
        #expect(zip == (try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/two/trainee.zip"))), "same sources, same zip")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/one").sorted() == ["trainee", "trainee.zip"],
                "no temporary files left")

        let archive = try Archive(url: URL(fileURLWithPath: scratch.path + "/one/trainee.zip"), accessMode: .read)
        let names = archive.map(\.path)
        #expect(names == SiteArchive.entryNames(folder: scratch.path + "/one/trainee", rootName: "trainee"))
        #expect(names == names.sorted())
        #expect(names.first == "trainee/")
        for expected in ["trainee/index.html", "trainee/modules/", "trainee/modules/welcome.html", "trainee/search-index.js",
                         "trainee/static/trellis.css", "trainee/assets/circle.png"] {
            #expect(names.contains(expected), "the zip lacks \(expected)")
        }
        let files = listFilesRecursively(scratch.path + "/one/trainee")
        #expect(names.filter { !$0.hasSuffix("/") }.count == files.count, "every file of the edition is in the zip")
        var extracted = Data()
        _ = try archive.extract(archive["trainee/modules/welcome.html"]!) { extracted.append($0) }
        #expect(extracted == (try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/one/trainee/modules/welcome.html"))))
    }

    // MARK: - PDF

    @Test func chromiumCommandPrintsOneLocalPageHeadlessly() {
        let renderer = PDFRenderer(chromium: "/usr/bin/chromium")
        let arguments = renderer.arguments(for: .init(page: "/tmp/site/modules/engage.html", pdf: "/tmp/site/pdf/engage.pdf"),
                                           profile: "/tmp/profile")
        for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=/tmp/profile",
                     "--print-to-pdf=/tmp/site/pdf/engage.pdf"] {
            #expect(arguments.contains(flag), "missing \(flag)")
        }
        #expect(arguments.last == "file:///tmp/site/modules/engage.html")
        #expect(renderer.parallelism == 2)
    }

    @Test func pdfJobsAreTheManualThenEveryModule() throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.valid).load()
        let jobs = SiteCompiler.pdfJobs(in: "/out/trainee", modules: curriculum.modulesInTrackOrder)
        #expect(jobs.map(\.pdf) == ["/out/trainee/pdf/manual.pdf", "/out/trainee/pdf/welcome.pdf",
                                    "/out/trainee/pdf/listening.pdf", "/out/trainee/pdf/planning.pdf"])
        #expect(jobs.map(\.page) == ["/out/trainee/manual.html", "/out/trainee/modules/welcome.html",
                                     "/out/trainee/modules/listening.html", "/out/trainee/modules/planning.html"])
    }

    @Test func missingChromiumIsAClearErrorAndLeavesThePreviousSite() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path + "/empty-bin", withIntermediateDirectories: true)
        #expect(throws: PDFRenderer.RenderError.chromiumNotFound(searched: PDFRenderer.chromiumNames)) {
            try PDFRenderer.locate(environment: ["PATH": scratch.path + "/empty-bin"])
        }
        let message = PDFRenderer.RenderError.chromiumNotFound(searched: PDFRenderer.chromiumNames).description
        #expect(message.contains("apt-get install chromium"))

        let output = scratch.path + "/site"
        _ = try compiler(output: output, lunr: scratch.path + "/none").build()
        let before = try snapshot(of: output)
        #expect(throws: PDFRenderer.RenderError.self) {
            try compiler(output: output, lunr: scratch.path + "/none", pdf: true, environment: ["PATH": scratch.path + "/empty-bin"]).build()
        }
        #expect(try snapshot(of: output) == before)
    }

    /// A shell script in place of Chromium: writes a tiny "PDF" to the `--print-to-pdf=` path.
    private func fakeChromium(in scratch: ScratchDirectory, exitStatus: Int = 0) throws -> String {
        let script = """
        #!/bin/sh
        for argument in "$@"; do
          case "$argument" in --print-to-pdf=*) out="${argument#--print-to-pdf=}" ;; file://*) page="$argument" ;; esac
        done
        [ \(exitStatus) -ne 0 ] && { echo "cannot print $page" >&2; exit \(exitStatus); }
        printf '%%PDF-1.4 %s\\n' "$page" > "$out"
        """
        try scratch.write("bin/chromium", script)
        let path = scratch.path + "/bin/chromium"
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test func pdfBuildPrintsEveryModuleAndTheManualInsideTheEdition() throws {
        let scratch = try ScratchDirectory()
        let chromium = try fakeChromium(in: scratch)
        #expect(try PDFRenderer.locate(environment: ["PATH": "/nonexistent:" + scratch.path + "/bin"]).chromium == chromium)
        let report = try compiler(output: scratch.path + "/site", lunr: scratch.path + "/none", editions: [.trainee], pdf: true,
                                  environment: ["PATH": scratch.path + "/bin"]).build()
        #expect(report.extraFiles == [scratch.path + "/site/trainee/pdf/"])
        let pdfs = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/site/trainee/pdf").sorted()
        #expect(pdfs == ["listening.pdf", "manual.pdf", "planning.pdf", "welcome.pdf"])
        let manual = try String(contentsOfFile: scratch.path + "/site/trainee/pdf/manual.pdf", encoding: .utf8)
        #expect(manual.hasPrefix("%PDF-1.4 file://"))
        #expect(manual.hasSuffix("/manual.html\n"), "printed from the built page")
        let module = try String(contentsOfFile: scratch.path + "/site/trainee/modules/welcome.html", encoding: .utf8)
        #expect(module.contains("href=\"../pdf/welcome.pdf\""), "module pages link their handout")
    }

    @Test func failedPrintNamesThePageAndKeepsThePreviousSite() throws {
        let scratch = try ScratchDirectory()
        _ = try fakeChromium(in: scratch, exitStatus: 3)
        let output = scratch.path + "/site"
        _ = try compiler(output: output, lunr: scratch.path + "/none", editions: [.trainee]).build()
        let before = try snapshot(of: output)
        do {
            _ = try compiler(output: output, lunr: scratch.path + "/none", editions: [.trainee], pdf: true,
                             environment: ["PATH": scratch.path + "/bin"]).build()
            Issue.record("a failing Chromium must fail the build")
        } catch let error as PDFRenderer.RenderError {
            guard case .printFailed(let page, let status, let output) = error else { Issue.record("\(error)"); return }
            #expect(page.hasSuffix(".html") && status == 3 && output.contains("cannot print"))
        }
        #expect(try snapshot(of: output) == before)
    }
}
