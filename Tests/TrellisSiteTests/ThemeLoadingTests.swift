import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisSite
import TrellisCurriculum

/// A theme folder that is not there is one diagnostic that names `--theme`, not one per template.
@Suite struct ThemeLoadingTests {
    @Test func aMissingThemeIsOneErrorNamingTheThemeOption() throws {
        let scratch = try ScratchDirectory()
        guard case .failure(let diagnostics) = Theme.load(from: scratch.path + "/Site") else {
            Issue.record("a missing theme must not load")
            return
        }
        #expect(diagnostics.diagnostics.count == 1)
        #expect(diagnostics.diagnostics.first?.description.contains("pass a theme folder with --theme, or leave --theme out to use the built-in theme") == true, "\(diagnostics)")
    }

    @Test func aMissingTemplateNamesTheThemeOption() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.theme, toPath: scratch.path + "/Site")
        try FileManager.default.removeItem(atPath: scratch.path + "/Site/templates/search.mustache")
        guard case .failure(let diagnostics) = Theme.load(from: scratch.path + "/Site") else {
            Issue.record("a theme without a template must not load")
            return
        }
        #expect(diagnostics.diagnostics.map(\.description).allSatisfy { $0.contains("search") && $0.contains("--theme") }, "\(diagnostics)")
    }

    /// The built-in theme is `Site/` as it was when `trellis` was built: the same site, byte for byte.
    @Test func theBuiltInThemeBuildsTheSameSiteAsSite() throws {
        let scratch = try ScratchDirectory()
        func build(_ theme: Theme.Location, into output: String) throws {
            let settings = SiteSettings(curriculumDirectory: Fixtures.valid, theme: theme, outputDirectory: scratch.path + "/" + output,
                                        editions: Edition.allCases, searchLibraryPath: "/nonexistent/lunr.min.js")
            _ = try SiteCompiler(settings: settings, today: Fixtures.today, clean: true).build()
        }
        try build(.folder(Fixtures.theme), into: "from-folder")
        try build(.builtIn, into: "built-in")
        var folder = try snapshot(of: scratch.path + "/from-folder"), builtIn = try snapshot(of: scratch.path + "/built-in")
        // The build stamp records where the theme came from; everything else is the same.
        folder = folder.filter { !$0.key.hasSuffix(".trellis-build.json") }
        builtIn = builtIn.filter { !$0.key.hasSuffix(".trellis-build.json") }
        #expect(!folder.isEmpty && folder == builtIn)
        #expect(folder.keys.contains("trainee/static/trellis.css"))
    }

    /// `trellis theme eject` writes the built-in theme out unchanged, and never over a file.
    @Test func ejectWritesTheThemeOnceAndNeverOverwrites() throws {
        let scratch = try ScratchDirectory()
        let written = try BuiltInTheme.eject(to: scratch.path + "/Site")
        #expect(written.contains("templates/layout.mustache") && written.contains("static/trellis.css"))
        #expect(try snapshot(of: scratch.path + "/Site") == (try snapshot(of: Fixtures.theme)))
        try "my change".write(toFile: scratch.path + "/Site/static/trellis.css", atomically: true, encoding: .utf8)
        #expect(throws: AtomicDirectory.WriteError.self) { try BuiltInTheme.eject(to: scratch.path + "/Site") }
        #expect(try String(contentsOfFile: scratch.path + "/Site/static/trellis.css", encoding: .utf8) == "my change")
        guard case .success = Theme.load(from: scratch.path + "/Site") else { Issue.record("an ejected theme loads"); return }
    }

    /// What a new trainer does first: `trellis init`, then a build with no theme folder at all.
    @Test func aNewCurriculumBuildsWithTheBuiltInTheme() throws {
        let scratch = try ScratchDirectory()
        _ = try CurriculumScaffold(directory: scratch.path, title: "New training", organization: nil, ci: .none, today: Fixtures.today).write()
        let settings = SiteSettings(curriculumDirectory: scratch.path + "/Curriculum", theme: .builtIn, outputDirectory: scratch.path + "/_site",
                                    editions: Edition.allCases, searchLibraryPath: "/nonexistent/lunr.min.js")
        let report = try SiteCompiler(settings: settings, today: Fixtures.today).build()
        #expect(report.warnings.isEmpty && report.modules == 1)
        let page = try String(contentsOfFile: scratch.path + "/_site/trainee/modules/welcome.html", encoding: .utf8)
        #expect(page.contains("<h1>Welcome</h1>") && FileManager.default.fileExists(atPath: scratch.path + "/_site/trainee/static/trellis.css"))
    }
}
