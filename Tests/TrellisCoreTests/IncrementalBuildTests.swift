import Foundation
import Testing
@testable import TrellisCore

/// The incremental build must give, after any change, exactly what a clean build gives —
/// and redo only what the change touched.
@Suite struct IncrementalBuildTests {
    /// A curriculum and theme in a scratch folder, built incrementally with a cache, and a
    /// way to compare the result with a clean build of the same sources.
    final class Project {
        let scratch: ScratchDirectory
        let curriculum: String
        let theme: String
        let output: String
        let cache: String
        var searchLibraryPath: String

        init() throws {
            scratch = try ScratchDirectory()
            curriculum = try scratch.copyOfValidCurriculum()
            theme = scratch.path + "/Site"
            try FileManager.default.copyItem(atPath: Fixtures.theme, toPath: theme)
            output = scratch.path + "/site"
            cache = scratch.path + "/cache"
            // A stand-in for Lunr, so that search-index.js is built and compared too.
            searchLibraryPath = scratch.path + "/lunr/lunr.min.js"
            try scratch.write("lunr/lunr.min.js", "/* lunr stand-in */ window.lunr = function () {};\n")
        }

        func compiler(output: String? = nil, cache: String?, clean: Bool = false) -> SiteCompiler {
            SiteCompiler(curriculumDirectory: curriculum, themeDirectory: theme, outputDirectory: output ?? self.output,
                         editions: Edition.allCases, today: Fixtures.today, searchLibraryPath: searchLibraryPath,
                         cacheDirectory: cache, clean: clean)
        }

        /// Builds incrementally (with the cache, as `trellis build` does).
        @discardableResult
        func build() throws -> SiteCompiler.Report { try compiler(cache: cache).build() }

        /// Builds incrementally and returns the files written per edition.
        func rebuild() throws -> [Edition: [String]] {
            var state = SiteCache.load(compiler(cache: cache).settings, from: cache) ?? SiteState(settings: compiler(cache: cache).settings)
            let outcome = try state.update(today: Fixtures.today)
            try SiteCache.save(&state, to: cache)
            return outcome.writtenFiles.mapValues { $0.sorted() }
        }

        /// Expects the incremental output to equal, file for file and byte for byte, a clean
        /// build of the same sources into another folder.
        func expectSameAsCleanBuild(_ step: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let clean = scratch.path + "/clean-\(UUID().uuidString)"
            _ = try compiler(output: clean, cache: nil).build()
            let incremental = try snapshot(of: output), expected = try snapshot(of: clean)
            #expect(Set(incremental.keys) == Set(expected.keys), "\(step): different files", sourceLocation: sourceLocation)
            for (path, data) in expected where incremental[path] != data {
                Issue.record("\(step): \(path) differs from a clean build", sourceLocation: sourceLocation)
            }
            #expect(try directories(of: output) == directories(of: clean), "\(step): different folders", sourceLocation: sourceLocation)
            try FileManager.default.removeItem(atPath: clean)
        }

        func read(_ relative: String) throws -> String {
            try String(contentsOfFile: scratch.path + "/" + relative, encoding: .utf8)
        }

        func write(_ relative: String, _ text: String) throws { try scratch.write(relative, text) }

        func replace(_ relative: String, _ old: String, with new: String) throws {
            let text = try read(relative)
            #expect(text.contains(old), "\(relative) should contain \(old)")
            try write(relative, text.replacingOccurrences(of: old, with: new))
        }

        func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: scratch.path + "/" + relative) }

        private func directories(of root: String) throws -> [String] {
            FileTree.walk(root).directories.sorted()
        }
    }

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
        #expect(FileManager.default.fileExists(atPath: project.cache + "/index.bin"))
        #expect(FileManager.default.fileExists(atPath: project.cache + "/modules.bin"))
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

        // The same path with the file gone (a new path would be new settings: no cache, a clean build).
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
        try project.replace("Site/templates/competency.mustache", "{{<layout}}", with: "{{<layout}}\n")
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
        let cacheBefore = try snapshot(of: project.cache)
        try project.write("Curriculum/modules/planning.md", "---\nid: planning\ntitle: [broken\n---\n")
        #expect(throws: DiagnosticList.self) { try project.build() }
        #expect(try snapshot(of: project.output) == before)
        #expect(try snapshot(of: project.cache) == cacheBefore, "a failed build leaves the cache as it was")
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

    /// A large curriculum's rendered text waits in a scratch file and its whole-curriculum files
    /// are written a batch of modules at a time after the pages; the site is the same.
    @Test func batchedWholeCurriculumFilesMakeTheSameSite() throws {
        let project = try Project()
        var state = SiteState(settings: project.compiler(cache: nil).settings)
        state.keepsRenderedFragments = false
        state.largeCurriculum = 0
        state.movesRenderedTextToScratch = true
        let outcome = try state.update(today: Fixtures.today, clean: true)
        #expect(outcome.writtenFiles[.trainer]?.contains("manual.html") == true)
        try project.expectSameAsCleanBuild("whole-curriculum files written in batches")

        // The cache saved from that state holds the text read back from the scratch file.
        try SiteCache.save(&state, to: project.cache)
        try project.replace("Curriculum/modules/listening.md", "## Reflecting feelings", with: "Listen first.\n\n## Reflecting feelings")
        #expect(try project.build().filesWritten < 20)
        try project.expectSameAsCleanBuild("incremental build from a cache saved with text in a scratch file")
    }

    @Test func renderedTextMovedToAScratchFileReadsBackTheSame() throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.valid, editions: Set(Edition.allCases)).load()
        let scratch = try ScratchDirectory()
        let file = try #require(ScratchTextFile(directory: scratch.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "the scratch file has no name")
        for module in curriculum.modules {
            var moved = module
            moved.body.moveRenderedText(to: file)
            #expect(moved.body.storedHTML.isEmpty && moved.body.storedSections.isEmpty)
            for edition in Edition.allCases {
                #expect(moved.body.html(for: edition) == module.body.html[edition])
                #expect(moved.body.sections(for: edition) == module.body.sections[edition])
            }
            var writer = CacheWriter()
            writer.write(moved)
            var reader = CacheReader(writer.data)
            #expect(Canonical.text(of: try reader.readModule()) == Canonical.text(of: module), "the cache gets the text back")

            moved.body.html[.trainee] = "<p>changed</p>"
            #expect(moved.body.scratch == nil)
            #expect(moved.body.html(for: .trainee) == "<p>changed</p>")
            #expect(moved.body.html(for: .trainer) == module.body.html[.trainer], "changing one edition keeps the other")
            #expect(moved.body.sections == module.body.sections)
        }
    }

    @Test func damagedOrForeignCacheMeansACleanBuild() throws {
        let project = try Project()
        try project.build()
        try Data("not a cache".utf8).write(to: URL(fileURLWithPath: project.cache + "/index.bin"))
        try project.replace("Curriculum/modules/welcome.md", "Peer work starts", with: "Peer work always starts")
        let report = try project.build()
        #expect(report.filesWritten > 30, "a damaged cache is ignored")
        try project.expectSameAsCleanBuild("damaged cache")

        try Data("TRELLIS".utf8).write(to: URL(fileURLWithPath: project.cache + "/modules.bin"))
        try project.replace("Curriculum/modules/welcome.md", "always starts", with: "starts")
        try project.build()
        try project.expectSameAsCleanBuild("damaged module cache")

        // The whole-curriculum files are made from the modules read back from the cache:
        // they must be the modules as parsed.
        try project.replace("Curriculum/modules/listening.md", "## Reflecting feelings", with: "Listen first.\n\n## Reflecting feelings")
        try project.build()
        try project.expectSameAsCleanBuild("whole-curriculum files made from cached modules")

        // A cache made for other settings (one edition) is not used for both.
        var oneEdition = project.compiler(cache: project.cache)
        oneEdition.editions = [.trainee]
        _ = try oneEdition.build()
        #expect(try project.build().filesWritten > 30)
        try project.expectSameAsCleanBuild("cache from other settings")
    }

    /// One cache folder is kept per output folder; those of outputs gone for a month are deleted.
    @Test func savingDeletesOtherCacheFoldersUnusedForThirtyDays() throws {
        let project = try Project()
        try project.build()
        let files = FileManager.default, parent = (project.cache as NSString).deletingLastPathComponent
        let stale = parent + "/old-site-1", recent = parent + "/recent-site-2", foreign = parent + "/not-a-cache"
        try files.copyItem(atPath: project.cache, toPath: stale)
        try files.copyItem(atPath: project.cache, toPath: recent)
        try files.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("someone else's index".utf8).write(to: URL(fileURLWithPath: foreign + "/index.bin"))
        func age(_ folder: String, days: Double) throws {
            try files.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -days * 24 * 3600)], ofItemAtPath: folder + "/index.bin")
        }
        try age(stale, days: 31)
        try age(foreign, days: 31)
        try age(recent, days: 29)
        try project.replace("Curriculum/modules/welcome.md", "Peer work starts", with: "Peer work always starts")
        try project.build()
        #expect(!files.fileExists(atPath: stale), "a Trellis cache unused for 31 days is deleted")
        #expect(files.fileExists(atPath: recent + "/modules.bin"), "one used 29 days ago is kept")
        #expect(files.fileExists(atPath: foreign + "/index.bin"), "a folder that is not a Trellis cache is never touched")
        #expect(files.fileExists(atPath: project.cache + "/index.bin"))
    }

    @Test func cleanOptionIgnoresTheCacheAndSwapsWholeEditions() throws {
        let project = try Project()
        try project.build()
        try project.write("site/trainee/stray.html", "not part of the site")
        let report = try project.compiler(cache: project.cache, clean: true).build()
        #expect(report.filesWritten == report.pagesPerEdition.values.reduce(0, +) + 2 * 6, "every page and every copied file")
        #expect(!FileManager.default.fileExists(atPath: project.output + "/trainee/stray.html"))
        #expect(try project.build().filesWritten == 0, "the clean build's cache is used next time")
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

    @Test func aModuleReadBackFromTheCacheIsTheModuleParsed() throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.valid, editions: Set(Edition.allCases)).load()
        #expect(curriculum.modules.count == 3)
        for module in curriculum.modules {
            var writer = CacheWriter()
            writer.write(module)
            var reader = CacheReader(writer.data)
            let decoded = try reader.readModule()
            #expect(reader.isAtEnd)
            #expect(Canonical.text(of: decoded) == Canonical.text(of: module), "\(module.id): a stored property is not cached")
        }
    }

    @Test func digestsAreSHA256() {
        #expect(ContentDigest.of(Data("abc".utf8)).description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest.of(Data()).description == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Data(repeating: UInt8(ascii: "x"), count: 1000)
        #expect(ContentDigest.of(long).description == "44f8354494a5ba03ba1792a8d3e9c534c47a9181980fde7a3f44b06ef2ae7c7f")
    }
}

/// Every stored property of a value, recursively, with dictionaries in sorted order: two
/// values with the same text are equal in every field, including fields added later.
enum Canonical {
    static func text(of value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary:
            return "[" + mirror.children.map { text(of: $0.value) }.sorted().joined(separator: ", ") + "]"
        case .struct, .class, .tuple, .enum, .optional, .collection, .set:
            let children = mirror.children.map { ($0.label ?? "") + ": " + text(of: $0.value) }
            let parts = mirror.displayStyle == .set ? children.sorted() : children
            return "\(mirror.subjectType)(" + parts.joined(separator: ", ") + ")" + (parts.isEmpty ? "\(value)" : "")
        default:
            return "\(value)"
        }
    }
}
